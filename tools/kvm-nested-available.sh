#!/usr/bin/env bash
# Tells whether this host can run Bulkhead under QEMU with nested KVM: /dev/kvm
# must be usable, the CPU must have Intel VT-x, and kvm_intel must allow nested
# virtualization. Exits 0 when it can; otherwise prints one sentence saying why
# and exits 1. With -q it prints nothing.
set -u

quiet=0
[ "${1:-}" = -q ] && quiet=1

no() {
    [ "$quiet" = 1 ] || echo "nested KVM unavailable: $*"
    exit 1
}

[ -e /dev/kvm ] || no "/dev/kvm does not exist (no KVM on this host)."
[ -r /dev/kvm ] && [ -w /dev/kvm ] ||
    no "/dev/kvm is not readable and writable for $(id -un) (add yourself to the kvm group)."
grep -qw vmx /proc/cpuinfo ||
    no "the host CPU has no Intel VT-x (no 'vmx' flag in /proc/cpuinfo), so /dev/kvm cannot offer it to a guest."
nested=/sys/module/kvm_intel/parameters/nested
[ -r "$nested" ] || no "the kvm_intel module is not loaded ($nested is missing)."
case "$(cat "$nested")" in
Y | y | 1) ;;
*) no "kvm_intel has nested virtualization off (set 'options kvm_intel nested=1' and reload the module)." ;;
esac
[ "$quiet" = 1 ] || echo "nested KVM available."
exit 0
