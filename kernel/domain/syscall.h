// The one system call (docs/design.md "The ring and SYS_SUBMIT"): `svc #0`
// with x8 = SYS_SUBMIT. The architecture hands over the svc immediate (ESR
// ISS[15:0], of ESR_EL1 through the gateway or of ESR_EL2 under FEAT_FGT);
// any other immediate or number completes with -ENOSYS, so both stay free
// for later meanings instead of aliasing svc #0.
#pragma once

#include <stdint.h>
#include <ukernel/sys.h>

namespace uk {

inline constexpr uint16_t kSubmitSvcImmediate = 0;

[[nodiscard]] constexpr bool is_sys_submit(uint16_t svc_immediate, uint64_t number) {
  return svc_immediate == kSubmitSvcImmediate && number == UK_SYS_SUBMIT;
}

}  // namespace uk
