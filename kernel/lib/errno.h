// Kernel error numbers. Values are Linux's generic errno numbers because the
// domain ABI (ukernel-sys) returns -errno in completions and POSIX-flavoured
// userland code compares against the usual constants.
#pragma once

#include <stdint.h>

namespace uk {

enum class Errno : int32_t {
  kOk = 0,
  kPerm = 1,          // EPERM
  kNoEnt = 2,         // ENOENT
  kSrch = 3,          // ESRCH
  kIntr = 4,          // EINTR
  kIo = 5,            // EIO
  kTooBig = 7,        // E2BIG
  kBadF = 9,          // EBADF
  kAgain = 11,        // EAGAIN
  kNoMem = 12,        // ENOMEM
  kAcces = 13,        // EACCES
  kFault = 14,        // EFAULT
  kBusy = 16,         // EBUSY
  kExist = 17,        // EEXIST
  kNotDir = 20,       // ENOTDIR
  kIsDir = 21,        // EISDIR
  kInval = 22,        // EINVAL
  kMFile = 24,        // EMFILE
  kFBig = 27,         // EFBIG
  kNoSpc = 28,        // ENOSPC
  kSPipe = 29,        // ESPIPE
  kRofs = 30,         // EROFS
  kRange = 34,        // ERANGE
  kNameTooLong = 36,  // ENAMETOOLONG
  kNoSys = 38,        // ENOSYS
  kOverflow = 75,     // EOVERFLOW
  kNotSup = 95,       // EOPNOTSUPP
  kTimedOut = 110,    // ETIMEDOUT
};

[[nodiscard]] const char* errno_name(Errno e);

}  // namespace uk
