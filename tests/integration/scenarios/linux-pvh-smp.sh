# linux-pvh with two vCPUs: the kernel starts its second CPU through the
# local APIC's INIT and start-up IPIs, among the partition's own vCPUs, and
# its /init sees both.
source tests/integration/scenarios/linux-pvh.sh
CPUS=4
LINUX_CPUS=2
