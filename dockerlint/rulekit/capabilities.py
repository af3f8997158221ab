"""Linux capabilities that amount to root on the host when added (KS037, DC006)."""

DANGEROUS = ("ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_MODULE", "SYS_PTRACE", "SYS_RAWIO", "DAC_READ_SEARCH", "BPF", "SYS_BOOT")
WHY = {
    "ALL": "every capability",
    "SYS_ADMIN": "mount, namespaces, BPF and most of root's powers",
    "NET_ADMIN": "reconfigure the network, sniff and redirect traffic",
    "SYS_MODULE": "load kernel modules",
    "SYS_PTRACE": "trace and inject into processes",
    "SYS_RAWIO": "raw access to devices and memory",
    "DAC_READ_SEARCH": "open host files by handle (the 'shocker' escape)",
    "BPF": "load BPF programs into the kernel",
    "SYS_BOOT": "reboot the host",
}
