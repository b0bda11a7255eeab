#include "kernel/lib/errno.h"

namespace uk {

const char* errno_name(Errno e) {
  switch (e) {
    case Errno::kOk: return "OK";
    case Errno::kPerm: return "EPERM";
    case Errno::kNoEnt: return "ENOENT";
    case Errno::kSrch: return "ESRCH";
    case Errno::kIntr: return "EINTR";
    case Errno::kIo: return "EIO";
    case Errno::kTooBig: return "E2BIG";
    case Errno::kBadF: return "EBADF";
    case Errno::kAgain: return "EAGAIN";
    case Errno::kNoMem: return "ENOMEM";
    case Errno::kAcces: return "EACCES";
    case Errno::kFault: return "EFAULT";
    case Errno::kBusy: return "EBUSY";
    case Errno::kExist: return "EEXIST";
    case Errno::kNotDir: return "ENOTDIR";
    case Errno::kIsDir: return "EISDIR";
    case Errno::kInval: return "EINVAL";
    case Errno::kMFile: return "EMFILE";
    case Errno::kFBig: return "EFBIG";
    case Errno::kNoSpc: return "ENOSPC";
    case Errno::kSPipe: return "ESPIPE";
    case Errno::kRofs: return "EROFS";
    case Errno::kRange: return "ERANGE";
    case Errno::kNameTooLong: return "ENAMETOOLONG";
    case Errno::kNoSys: return "ENOSYS";
    case Errno::kOverflow: return "EOVERFLOW";
    case Errno::kNotSup: return "EOPNOTSUPP";
    case Errno::kTimedOut: return "ETIMEDOUT";
  }
  return "E?";
}

}  // namespace uk
