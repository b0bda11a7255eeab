"""The example product: the domains the default images (//bsp/qemu_virt:image,
//bsp/rpi4:image) carry, as (manifest, ELF) pairs for ukernel_image."""

EXAMPLE_DOMAINS = [
    ("//userland/examples:hello.manifest", "//userland/examples:hello"),
    ("//userland/examples:batch.manifest", "//userland/examples:batch"),
    ("//userland/examples:hello_c.manifest", "//userland/examples:hello_c"),
]
