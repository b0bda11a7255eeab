/* Debian's cross libstdc++ headers were configured for glibc: its
 * bits/os_defines.h includes <features.h> and tests __GLIBC_PREREQ. The kernel
 * has no glibc, so claim "no glibc of any version". */
#ifndef UKERNEL_TOOLCHAIN_FEATURES_H
#define UKERNEL_TOOLCHAIN_FEATURES_H
#define __GLIBC_PREREQ(maj, min) 0
#endif
