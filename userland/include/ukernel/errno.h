/*
 * ukernel/errno.h -- error numbers seen by domain code.
 *
 * Completions and SYS_SUBMIT return -errno. The values are Linux's generic
 * errno numbers (the kernel's uk::Errno uses the same ones), prefixed UK_ so
 * that they never clash with a C library's <errno.h>. Freestanding C11/C++20.
 */
#ifndef UKERNEL_ERRNO_H
#define UKERNEL_ERRNO_H

#define UK_EPERM 1         /* operation outside the domain's capabilities */
#define UK_ENOENT 2
#define UK_ESRCH 3
#define UK_EINTR 4
#define UK_EIO 5
#define UK_E2BIG 7
#define UK_EBADF 9
#define UK_EAGAIN 11       /* ring client: submission ring full / no progress */
#define UK_ENOMEM 12
#define UK_EACCES 13
#define UK_EFAULT 14       /* a user pointer/length outside the domain's memory */
#define UK_EBUSY 16        /* ring client: completion backlog full, reap first */
#define UK_EEXIST 17
#define UK_ENOTDIR 20
#define UK_EISDIR 21
#define UK_EINVAL 22       /* reserved field, unknown flag, impossible ring index */
#define UK_EMFILE 24
#define UK_EFBIG 27
#define UK_ENOSPC 28
#define UK_ESPIPE 29
#define UK_EROFS 30
#define UK_ERANGE 34
#define UK_ENAMETOOLONG 36
#define UK_ENOSYS 38       /* unknown or not (yet) implemented operation / svc */
#define UK_EOVERFLOW 75
#define UK_ENOBUFS 105     /* ring client: batch output array full */
#define UK_EOPNOTSUPP 95
#define UK_ETIMEDOUT 110

#endif /* UKERNEL_ERRNO_H */
