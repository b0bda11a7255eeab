# U-Boot script for ukernel (compiled to boot.scr with mkimage -T script).
# U-Boot's distro boot finds /boot.scr on the first bootable partition and
# runs it with devtype/devnum/distro_bootpart naming that partition. The same
# script serves the Raspberry Pi 4 (SD card) and QEMU virt (virtio disk).
echo "ukernel boot.scr: loading Image from ${devtype} ${devnum}:${distro_bootpart}"
# The device tree: the one the loader below U-Boot handed over (fdt_addr:
# the Pi firmware's, filled in with memory and board details; QEMU's on
# virt), else U-Boot's own control tree.
if test -n "${fdt_addr}"; then setenv uk_fdt ${fdt_addr}; else setenv uk_fdt ${fdtcontroladdr}; fi
load ${devtype} ${devnum}:${distro_bootpart} ${kernel_addr_r} Image
# booti moves the Image to a 2 MiB aligned address if needed (the header says
# it may run anywhere) and enters it at EL2 with x0 = the device tree.
booti ${kernel_addr_r} - ${uk_fdt}
echo "ukernel boot.scr: booti failed"
