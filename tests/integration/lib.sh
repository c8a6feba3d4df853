# Helpers for the boot scenarios in scenarios/*.sh; sourced by run.sh.
#
# A scenario sets what to boot and how (see scenarios/README.md) and defines
# check(), which judges the run with the expect_* functions below. Every
# failed expectation is recorded; the first one becomes the FAIL reason.
#
# Inside check(): $LOG is the serial log, $RUN_STATUS tools/run.sh's exit
# status, and $CPUS, $MEM and friends are the scenario's own settings, so
# counts are computed from what the scenario asked for, never typed twice.

FAILURES=()

fail() {
    FAILURES+=("$*")
    return 1
}

# The serial log as plain lines: no terminal escapes, no carriage returns,
# no time stamps (stamped_log_lines keeps them). Readers after it in a pipe
# must read to the end (no grep -q, no early exit): with pipefail, a reader
# that stops early fails the whole pipe.
log_lines() {
    stamped_log_lines | sed -e 's/^bulkhead: \[ *[0-9]*\.[0-9]\{6\}\] /bulkhead: /'
}

# The serial log as log_lines gives it, with the `[seconds]` a hypervisor
# configured with `timestamps = yes` puts after `bulkhead: `.
stamped_log_lines() {
    sed -e 's/\x1b\[[0-9;?=]*[A-Za-z]//g' -e 's/\r//g' "$LOG"
}

# with_timestamps: the config of config_with_partitions gets time stamps.
with_timestamps() {
    sed -i '/^\[hypervisor\]/a timestamps = yes' "$CONFIG"
}

# expect_exit CODE...: tools/run.sh ended with one of these codes.
expect_exit() {
    local code
    for code in "$@"; do
        [ "$RUN_STATUS" = "$code" ] && return 0
    done
    fail "run.sh exited $RUN_STATUS, expected $(echo "$@" | sed 's/ / or /g')"
}

# expect_line TEXT: some line is exactly TEXT.
expect_line() {
    log_lines | grep -xF -- "$1" >/dev/null || fail "no line '$1'"
}

# expect_prefix TEXT: some line starts with TEXT.
expect_prefix() {
    log_lines | P=$1 awk 'index($0, ENVIRON["P"]) == 1 { found = 1 } END { exit !found }' ||
        fail "no line starting '$1'"
}

# expect_no_prefix TEXT: no line starts with TEXT.
expect_no_prefix() {
    local line
    line=$(log_lines | P=$1 awk 'index($0, ENVIRON["P"]) == 1 { print; exit }')
    [ -z "$line" ] || fail "unexpected line '$line'"
}

# expect_prefix_with TEXT WORD: some line starts with TEXT and contains WORD.
expect_prefix_with() {
    log_lines | P=$1 W=$2 awk 'index($0, ENVIRON["P"]) == 1 && index($0, ENVIRON["W"]) { found = 1 }
        END { exit !found }' || fail "no line starting '$1' that mentions '$2'"
}

# expect_count REGEX N: exactly N lines match the extended regular expression.
expect_count() {
    local n
    n=$(log_lines | grep -cE -- "$1")
    [ "$n" -eq "$2" ] || fail "$n lines match '$1', expected $2"
}

# expect_distinct REGEX N: the lines matching REGEX carry N different values
# of its first parenthesized group (e.g. N different cpu numbers).
expect_distinct() {
    local n
    n=$(log_lines | sed -nE "s/$1/\\1/p" | sort -u | wc -l)
    [ "$n" -eq "$2" ] || fail "$n distinct values of '$1', expected $2"
}

# expect_order FIRST SECOND: a line starting FIRST comes before a line
# starting SECOND.
expect_order() {
    log_lines | A=$1 B=$2 awk '
        index($0, ENVIRON["A"]) == 1 && !seen_a { seen_a = NR }
        index($0, ENVIRON["B"]) == 1 && seen_a && NR > seen_a { ok = 1 }
        END { exit !ok }' || fail "no line starting '$2' after one starting '$1'"
}

# first_match REGEX: prints the first line matching REGEX.
first_match() {
    log_lines | grep -E -- "$1" | awk 'NR == 1'
}

# The capability line the core prints for each CPU it brings up.
CAPABILITY_RE='^bulkhead: cpu([0-9]+) apic=[0-9a-fA-Fx]+ vmx=(yes|no)'

# A run in which no CPU could use VT-x: the summary counts no VMX CPU and no
# guest, and the machine still powers off cleanly.
expect_clean_no_vmx_run() {
    expect_exit 0
    expect_line "bulkhead: summary cpus=$CPUS vmx=0 guests=0 ok=0 failed=0 partitions=0 running=0 stopped=0 crashed=0"
    expect_prefix "bulkhead: powering off"
}

# A run in which every CPU ran the probe guest through every exit it tests.
expect_all_cpus_ran_probe() {
    expect_exit 0
    expect_line "bulkhead: summary cpus=$CPUS vmx=$CPUS guests=$CPUS ok=$CPUS failed=0 partitions=0 running=0 stopped=0 crashed=0"
    expect_count "$CAPABILITY_RE" "$CPUS"
    expect_distinct "$CAPABILITY_RE.*" "$CPUS"
    expect_count '^bulkhead: cpu[0-9]+ apic=[0-9a-fA-Fx]+ vmx=yes ept=yes vpid=yes ug=yes( .*)?$' "$CPUS"
    local guest_ok='^bulkhead: cpu([0-9]+): guest ok \(exits: cpuid=1 vmcall=1 io=1 hlt=1\)$'
    expect_count "$guest_ok" "$CPUS"
    expect_distinct "$guest_ok" "$CPUS"
    expect_line "bulkhead: paging: text r-x, rodata r--, data rw-, direct map rw-"
    expect_no_prefix "bulkhead: error:"
    expect_prefix "bulkhead: powering off"
}

# Stub error scenarios: the image also carries a startup.nsh for the
# firmware's shell, which the firmware starts only after BOOTX64.EFI returned
# with an error; it powers the machine off, so the run ends by itself (run.sh
# exit 1: no summary) within seconds instead of waiting at the shell's prompt
# until the timeout (exit 124, also accepted).
FIRMWARE_POWEROFF=(--extra tests/integration/firmware-poweroff.nsh:/startup.nsh)

# expect_stub_error WORD: the stub printed its one error sentence, naming
# WORD (the file at fault), and the core never ran.
expect_stub_error() {
    expect_prefix_with "bulkhead: error: " "$1"
    expect_no_prefix "bulkhead: summary"
    expect_no_prefix "bulkhead: powering off"
    expect_exit 1 124
}

# config_setting KEY VALUE: writes the self-test config, with KEY set to VALUE,
# to $CONFIG, and fails unless the setting took.
config_setting() {
    sed -E "s/^([[:space:]]*$1[[:space:]]*=).*/\\1 $2/" config/selftest.cfg >"$CONFIG"
    grep -qE "^[[:space:]]*$1[[:space:]]*= $2\$" "$CONFIG"
}

# config_with_partitions [HEALTHY_CPU]: writes the self-test config followed
# by the [partition] sections read from standard input to $WORK/bulkhead.cfg
# and makes it the scenario's CONFIG. With HEALTHY_CPU, a partition named
# healthy running guests/healthy on that CPU comes first (partition id 1).
config_with_partitions() {
    CONFIG=$WORK/bulkhead.cfg
    {
        cat config/selftest.cfg
        echo
        [ -z "${1:-}" ] || printf '[partition healthy]\ncpus = %s\nmemory = 4M\nimage = healthy.elf\n\n' "$1"
        cat
    } >"$CONFIG"
}

# The number of ticks guests/healthy prints, read from its source.
healthy_ticks() {
    sed -nE 's/^#define HEALTHY_TICKS[[:space:]]+([0-9]+).*/\1/p' guests/healthy/main.c
}

# expect_healthy_partition NAME: the healthy guest in partition NAME printed
# every one of its ticks and ended with exit status 0.
expect_healthy_partition() {
    local ticks
    ticks=$(healthy_ticks)
    expect_count "^bulkhead: \[$1\] tick [0-9]+ of $ticks\$" "$ticks"
    expect_line "bulkhead: [$1] done"
    expect_line "bulkhead: partition $1: stopped (exit status 0)"
}

# partition_output NAME: the lines partition NAME printed, without their
# "[NAME] " prefix: whether it wrote them to the hypervisor (its debug
# console port, a hypercall) or to dom0 (the 16550 it models, the console
# ring), they carry its name alone.
partition_output() {
    log_lines | N=$1 awk '
        BEGIN { prefix = "bulkhead: [" ENVIRON["N"] "] " }
        index($0, prefix) == 1 { print substr($0, length(prefix) + 1) }'
}

# partition_guest NAME: the guest partition NAME boots: its image in $CONFIG
# without the extension, which is also the guest's folder under guests/.
partition_guest() {
    awk -v section="[partition $1]" '
        /^\[/ { inside = ($0 == section) }
        inside && $1 == "image" { sub(/^[^=]*=[[:space:]]*/, ""); sub(/\.[a-z]+$/, ""); print; exit }' "$CONFIG"
}

# expect_partition_crashed NAME CPU REASON: partition NAME, on cpu CPU, was
# stopped by the hypervisor with REASON (e.g. "48 (EPT violation)") and its
# report, and nothing it printed claims it went on: its guest (the image
# $CONFIG gives NAME) prints "GUEST: still running" right after the access
# that must stop it, and that line must not appear. A guest without such a
# line fails the check, which could otherwise never fail.
expect_partition_crashed() {
    local guest went_on
    expect_prefix "bulkhead: error: cpu$2: $1 vcpu0 stopped: exit reason $3"
    expect_line "bulkhead: partition $1: crashed"
    guest=$(partition_guest "$1")
    [ -n "$guest" ] || { fail "no image for partition $1 in $CONFIG"; return; }
    grep -rqF "\"$guest: still running" "guests/$guest" 2>/dev/null ||
        { fail "partition $1 runs $guest, whose source prints no '$guest: still running' line"; return; }
    went_on=$(partition_output "$1" | G="$guest: still running" awk 'index($0, ENVIRON["G"]) == 1 && !line { line = $0 }
        END { print line }')
    [ -z "$went_on" ] || fail "partition $1 went on: '$went_on'"
}

# expect_partition_passed NAME: partition NAME printed no FAIL line (the
# hypervisor's or dom0's way) and ended with exit status 0.
expect_partition_passed() {
    local failed
    failed=$(partition_output "$1" | awk 'index($0, "FAIL") == 1 && !line { line = $0 } END { print line }')
    [ -z "$failed" ] || fail "partition $1 failed a check: '$failed'"
    expect_line "bulkhead: partition $1: stopped (exit status 0)"
}

# expect_partition_summary TOTAL STOPPED CRASHED STATUS: the summary's
# partition fields, after the self-test guests ran on every CPU. STATUS is
# the exit status field as the hypervisor recorded it, NAME:N in partition-id
# order with '-' for a partition that ended without one (crashed, stopped by
# dom0 or its time limit, destroyed), e.g. "healthy:0,triple:-".
expect_partition_summary() {
    local status=" status=${4-}"
    [ "$1" -ne 0 ] || status="" # no partitions, no status field
    expect_line "bulkhead: summary cpus=$CPUS vmx=$CPUS guests=$CPUS ok=$CPUS failed=0 partitions=$1 running=0 stopped=$2 crashed=$3$status"
    expect_prefix "bulkhead: powering off"
}

# The number of lines guests/pv-console prints per run, read from its source.
pv_console_lines() {
    sed -nE 's/^#define PV_CONSOLE_LINES[[:space:]]+([0-9]+).*/\1/p' guests/pv-console/main.c
}

# expect_count_at_least REGEX N: N or more lines match the extended regular
# expression (for runs that repeat until their timeout).
expect_count_at_least() {
    local n
    n=$(log_lines | grep -cE -- "$1")
    [ "$n" -ge "$2" ] || fail "$n lines match '$1', expected at least $2"
}

# A scenario whose machine never stops by itself (a config that reboots
# every time) ends by its TIMEOUT: run.sh exits 124, which such a scenario
# accepts with expect_exit 124 and judges by the serial log instead.

# dom0_partition [LINE...]: the config section of the usual dom0 (cpu0, 4 MiB,
# dom0.elf, pv, privileged), with LINEs such as "script = list" added.
dom0_partition() {
    printf '%s\n' "[partition dom0]" "cpus = 0" "memory = 4M" "image = dom0.elf" "mode = pv" \
        "privileged = yes" "$@"
}

# owner_partition [LINE...]: the privileged partition of the device
# scenarios (cpu0, 4 MiB, guests/dev-owner, pv), with LINEs such as
# "devices = serial 0x2f8" added; intruder_partition [LINE...]: the
# unprivileged partition beside it (cpu1, 4 MiB, guests/dev-intruder).
owner_partition() {
    printf '%s\n' "[partition owner]" "cpus = 0" "memory = 4M" "image = dev-owner.elf" \
        "mode = pv" "privileged = yes" "$@"
}
intruder_partition() {
    printf '%s\n' "[partition intruder]" "cpus = 1" "memory = 4M" "image = dev-intruder.elf" "$@"
}

# expect_uart_irq_passed NAME: the uart-irq guest in partition NAME passed
# every check of its interrupt-driven 16550 and exited 0.
expect_uart_irq_passed() {
    local check
    for check in "one THR-empty interrupt per byte" \
        "loopback bytes arrive by the received-data interrupt" \
        "a masked IRQ waits in IRR until unmasked" "no other interrupt cause"; do
        expect_line "bulkhead: [$1] uart-irq: PASS $check"
    done
    expect_no_prefix "bulkhead: [$1] uart-irq: FAIL"
    expect_line "bulkhead: partition $1: stopped (exit status 0)"
}

# Screens (tools/run.sh --display x). screen_while_spinning: the config
# section of a partition that spins with interrupts off until its time
# limit, keeping the machine up and quiet while the screen is read, and the
# serial script (RUN_ARGS: --serial-script "$WORK/screen.script") that saves
# the screen to $WORK/screen.ppm once it spins.
screen_while_spinning() {
    printf '%s\n' "expect hostile-spin: interrupts off, spinning forever" \
        "screenshot $WORK/screen.ppm" >"$WORK/screen.script"
    printf '%s\n' "[partition spin]" "cpus = 1" "memory = 4M" "image = hostile-spin.elf" \
        "time_limit = 10"
}

# expect_screen_shows_console [--console]: $WORK/screen.ppm shows, pixel for
# pixel, the last rows of the console text saved with it (tools/fbcheck.py;
# --console: all of the text, not only the hypervisor's lines).
expect_screen_shows_console() {
    local verdict
    verdict=$(tools/fbcheck.py "$@" "$WORK/screen.ppm" build/font.bin "$WORK/screen.ppm.console" \
        2>&1) || fail "the screen does not show the console: $verdict"
}

# The hypervisor's TSC line: "bulkhead: tsc: 2096.1 MHz from SOURCE (...)".
TSC_RE='^bulkhead: tsc: ([0-9]+\.[0-9]) MHz from (cpuid 0x15|hpet|pm-timer|pit) \((.*)\)$'

# host_tsc_mhz: this host's TSC frequency (tools/host-tsc-mhz.c), which is
# what QEMU without KVM hands its guests.
host_tsc_mhz() {
    local tool=build/tools/host-tsc-mhz
    if [ ! -x "$tool" ] || [ tools/host-tsc-mhz.c -nt "$tool" ]; then
        mkdir -p build/tools && cc -O2 -o "$tool" tools/host-tsc-mhz.c || return 1
    fi
    "$tool"
}

# expect_tsc_near_host PERCENT: the TSC line names a source and lies within
# PERCENT of the host's own figure.
expect_tsc_near_host() {
    local line mhz host
    line=$(first_match "$TSC_RE")
    [ -n "$line" ] || { fail "no 'bulkhead: tsc: N MHz from SOURCE (...)' line"; return; }
    mhz=$(sed -E "s/$TSC_RE/\\1/" <<<"$line")
    host=$(host_tsc_mhz) || { fail "cannot measure the host's TSC"; return; }
    awk -v g="$mhz" -v h="$host" -v p="$1" 'BEGIN { d = (g - h) / h * 100; exit !(d <= p && d >= -p) }' ||
        fail "the TSC was measured at $mhz MHz, the host's is $host MHz (more than $1% apart)"
}

# A q35 boot without VT-x on a big machine: every CPU started exactly once,
# nothing failed, and the TSC from a timer that a second one agrees with,
# within 2% of the host's figure (QEMU without KVM hands over the host's TSC).
expect_big_machine_boot() {
    expect_clean_no_vmx_run
    expect_count "$CAPABILITY_RE" "$CPUS"
    expect_distinct "$CAPABILITY_RE.*" "$CPUS"
    expect_prefix_with "bulkhead: acpi: $CPUS CPUs" "in the MADT"
    expect_no_prefix "bulkhead: error: cpu"
    expect_no_prefix "bulkhead: error: out of memory"
    expect_no_prefix "bulkhead: smp:"
    expect_count "$TSC_RE" 1
    expect_prefix_with "bulkhead: tsc: " "agrees within"
    expect_tsc_near_host 2
}

# Files the machine writes to its own stick (the crash log, the survey):
# the scenario asks run.sh for the disk as the run left it with
# RUN_ARGS=(--keep-image "$WORK/after.img"), and reads files off it here.
# image_file PATH: prints \EFI\BOOT\PATH from that disk (mtools), fails when
# it is not there.
image_file() {
    MTOOLS_SKIP_CHECK=1 mcopy -n -i "$WORK/after.img@@1M" "::/EFI/BOOT/$1" - 2>/dev/null | sed 's/\r$//'
}

# expect_image_file_line PATH TEXT: the file holds a line that is exactly TEXT.
expect_image_file_line() {
    image_file "$1" | grep -xF -- "$2" >/dev/null || fail "$1 on the stick has no line '$2'"
}

# expect_survey_files: survey mode wrote bulkhead-survey.txt, with every
# section and this machine's CPUs and COM1 (the scenario checks what the
# firmware's ACPI tables say: Bochs's firmware has none), and a bulkhead.cfg.suggested
# that check-config accepts for this machine (its CPUs, the usable memory
# the survey found), with dom0 owning COM1. The summary line's PCI count
# is the file's number of PCI functions.
expect_survey_files() {
    local survey=$WORK/survey.txt suggested=$WORK/suggested.cfg section usable pci verdict
    image_file bulkhead-survey.txt >"$survey"
    image_file bulkhead.cfg.suggested >"$suggested"
    [ -s "$survey" ] || { fail "no bulkhead-survey.txt on the stick"; return; }
    for section in cpu vt-x topology "memory map" acpi pci serial framebuffer verdict; do
        grep -q "^\[$section\]" "$survey" || fail "bulkhead-survey.txt has no [$section] section"
    done
    grep -qE "^$CPUS CPUs, [0-9]+ packages?, [0-9]+ cores, SMT (on|off)$" "$survey" ||
        fail "bulkhead-survey.txt does not count $CPUS CPUs"
    grep -qx "$CPUS of them answered CPUID questions; hybrid: no" "$survey" ||
        fail "bulkhead-survey.txt: not every CPU answered"
    grep -qx "16550 at 0x3f8: present" "$survey" || fail "bulkhead-survey.txt does not find COM1"
    pci=$(grep -cE '^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] [0-9a-f]{4}:[0-9a-f]{4} class ' "$survey")
    [ "$pci" -gt 0 ] || fail "bulkhead-survey.txt lists no PCI function"
    expect_prefix_with "bulkhead: survey: $pci PCI functions, " "serial port"
    verdict=$(sed -n 's/^partitions can run here: //p' "$survey")
    expect_line "bulkhead: survey: partitions can run here: $verdict"
    expect_line "bulkhead: survey: wrote \\EFI\\BOOT\\bulkhead-survey.txt and bulkhead.cfg.suggested"
    usable=$(sed -nE 's/^usable: ([0-9]+) MiB in [0-9]+ regions$/\1/p' "$survey")
    [ -n "$usable" ] || { fail "bulkhead-survey.txt gives no usable memory"; return; }
    [ -s "$suggested" ] || { fail "no bulkhead.cfg.suggested on the stick"; return; }
    make -s build/tools/check-config >/dev/null 2>&1 || { fail "check-config did not build"; return; }
    build/tools/check-config --cpus "$CPUS" --memory "${usable}M" "$suggested" >"$WORK/check-config.out" 2>&1 ||
        fail "check-config refuses bulkhead.cfg.suggested: $(head -n 1 "$WORK/check-config.out")"
    awk '/^\[partition dom0\]/ { d = 1 } d && /^devices = serial 0x3f8/ { ok = 1 } END { exit !ok }' \
        "$suggested" || fail "bulkhead.cfg.suggested: dom0 does not own COM1"
}

# ticker_partition CPU: a pv partition named ticker on that CPU that prints
# a tick now and then and sleeps in between (guests/pv-ticker), the quiet
# neighbour of the Linux scenarios.
ticker_partition() {
    printf '%s\n' "[partition ticker]" "cpus = $1" "memory = 4M" "image = pv-ticker.elf" "mode = pv"
}

# expect_ticker_passed: it printed every tick through dom0 and ended with 0.
expect_ticker_passed() {
    local ticks
    ticks=$(sed -nE 's/^#define TICKER_TICKS[[:space:]]+([0-9]+).*/\1/p' guests/pv-ticker/main.c)
    expect_count "^bulkhead: \[ticker\] pv-ticker: tick [0-9]+ of $ticks\$" "$ticks"
    expect_line "bulkhead: [ticker] pv-ticker: done"
    expect_line "bulkhead: partition ticker: stopped (exit status 0)"
}

# on_second_boot: the checks after it judge the second boot of a scenario
# with second_boot() (its serial log and tools/run.sh's verdict).
on_second_boot() {
    LOG=$SECOND_LOG RUN_STATUS=$SECOND_STATUS
}

# zero_disk NAME SECTORS: an all-zero disk image of SECTORS 512-byte
# sectors, $WORK/NAME, put on the image as NAME.
zero_disk() {
    head -c $(($2 * 512)) /dev/zero >"$WORK/$1"
    IMAGE_ARGS+=(--extra "$WORK/$1:$1")
}

# disk_partition NAME CPU IMAGE DISK [MODE]: the config section of a
# partition (4 MiB, mode full unless MODE says pv) on cpu CPU that runs
# IMAGE with `disk = DISK`; a time limit ends a guest that hangs.
disk_partition() {
    printf '%s\n' "" "[partition $1]" "cpus = $2" "memory = 4M" "image = $3" "mode = ${5:-full}" \
        "disk = $4" "time_limit = 300"
}

# guest_checks SOURCE [FUNCTION...]: the EXPECT_ checks in a guest's
# source but those inside the named functions (the ones a run skips).
guest_checks() {
    local source=$1 checks function
    checks=$(grep -c "^ *EXPECT_" "$source")
    shift
    for function in "$@"; do
        checks=$((checks - $(sed -n "/^static [a-z]* $function(/,/^}/p" "$source" | grep -c "^ *EXPECT_")))
    done
    echo "$checks"
}

# linux_partition CPUS [WORD...]: the config section of a full partition
# named linux on cpu1 onward that boots Debian's kernel (build/linux,
# guests/linux) through its PVH entry, with LINUX_MEM MiB (default 128),
# its console on dom0's 16550 model, the WORDs added to its command line;
# a time limit (LINUX_TIME_LIMIT seconds, default 120) ends a kernel that
# hangs; LINUX_CONSOLE=virtio gives it a virtio console too (hvc0). IMAGE_ARGS must add the files; LINUX_KERNEL names
# another kernel file (vmlinuz: the bzImage).
linux_partition() {
    local cpus=$1
    shift
    local mem=${LINUX_MEM:-128}
    printf '%s\n' "[partition linux]" "cpus = $(seq -s, 1 "$cpus")" "memory = ${mem}M" "mode = full" \
        "kernel = ${LINUX_KERNEL:-vmlinux}" "initrd = initrd.gz" \
        "cmdline = \"console=ttyS0 quiet bulkhead.cpus=$cpus bulkhead.mem=$mem${*:+ $*}\"" \
        "emulate = uart 0x3f8" "console = ${LINUX_CONSOLE:-none}" "time_limit = ${LINUX_TIME_LIMIT:-120}"
}

# expect_linux_fio DEV IOS [BOOTS]: the guest's fio (bulkhead.fio=DEV:IOS)
# ran its eight jobs on /dev/DEV BOOTS times (default 1), each doing IOS
# operations at some rate, without an error.
expect_linux_fio() {
    expect_count "^bulkhead: \[linux\] linux-guest: fio $1 (read|write|randread|randwrite) qd(1|32): $2 ios, [1-9][0-9]* IOPS, [0-9.]+ us mean latency, error 0\$" \
        $((8 * ${3:-1}))
    expect_count "^bulkhead: \[linux\] linux-guest: PASS .* fio=$1( |\$)" "${3:-1}"
}

# expect_linux_guest_passed CPUS [BOOTS]: the Linux guest's /init started and
# printed PASS with that many CPUs BOOTS times (default 1), and powered its
# partition off with status 0.
expect_linux_guest_passed() {
    expect_count "^bulkhead: \[linux\] linux-guest: start$" "${2:-1}"
    expect_count "^bulkhead: \[linux\] linux-guest: PASS modules=[0-9]+ cpus=$1 " "${2:-1}"
    expect_no_prefix "bulkhead: [linux] linux-guest: FAIL"
    expect_line "bulkhead: partition linux: stopped (exit status 0)"
}

# The guest's time of day is the machine's: the seconds since 1970 its /init
# prints are the firmware's clock as the hypervisor read it at boot plus the
# time stamp of that line (timestamps = yes), within 2 seconds (the RTC
# shows whole seconds, and the stamp comes a little after the reading).
expect_linux_time_of_day() {
    local firmware stamped guest stamp expected
    firmware=$(log_lines | sed -n 's/^bulkhead: clock: the firmware says \(.*\) UTC$/\1/p' | head -n 1)
    [ -n "$firmware" ] || { fail "no 'clock: the firmware says' line"; return; }
    stamped=$(stamped_log_lines | grep -E 'linux-guest: time of day [0-9]+$' | tail -n 1)
    guest=${stamped##* }
    stamp=$(sed -E 's/^bulkhead: \[ *([0-9]+)\..*/\1/' <<<"$stamped")
    [[ $guest =~ ^[0-9]+$ && $stamp =~ ^[0-9]+$ ]] || { fail "no stamped 'time of day' line"; return; }
    expected=$(($(date -u -d "$firmware" +%s) + stamp))
    [ $((guest - expected)) -le 2 ] && [ $((expected - guest)) -le 2 ] ||
        fail "the Linux guest's time of day is $guest, expected $expected (the firmware's $firmware + $stamp s)"
}

# The guest keeps time: the uptimes its /init prints at two points differ by
# what the hypervisor's time stamps of the same two lines (timestamps = yes)
# say, within LINUX_CLOCK_TOLERANCE_PERCENT of it plus
# LINUX_CLOCK_SLACK_MS for the lines' way through dom0's 16550 model.
LINUX_CLOCK_TOLERANCE_PERCENT=2
LINUX_CLOCK_SLACK_MS=50
expect_linux_clock_kept() {
    local verdict
    verdict=$(stamped_log_lines | awk -v pct="$LINUX_CLOCK_TOLERANCE_PERCENT" \
        -v slack="$LINUX_CLOCK_SLACK_MS" '
        /linux-guest: uptime [AB] [0-9.]+$/ {
            stamp = $0; sub(/^bulkhead: \[ */, "", stamp); sub(/\].*/, "", stamp)
            if (stamp !~ /^[0-9]+\.[0-9]+$/) next
            guest[$(NF - 1)] = $NF; host[$(NF - 1)] = stamp
        }
        END {
            if (!("A" in guest) || !("B" in guest)) { print "no stamped uptime A and B lines"; exit }
            g = guest["B"] - guest["A"]; h = host["B"] - host["A"]
            d = g - h; if (d < 0) d = -d
            limit = h * pct / 100 + slack / 1000
            printf "%s: guest %.3f s, hypervisor %.3f s, difference %.3f s, allowed %.3f s\n",
                (d <= limit ? "ok" : "off"), g, h, d, limit
        }')
    echo "$verdict" >"$WORK/linux-clock"
    case $verdict in
    ok:*) ;;
    *) fail "the Linux guest's clock: $verdict" ;;
    esac
}

# expect_linux_platform_whole: the kernel found nothing of its platform
# refused: no MTRR write failed, no MSR access faulted where it did not
# expect it (the lines its log level lets through).
expect_linux_platform_whole() {
    local line
    line=$(log_lines | grep -E '\[linux\] .*(MTRR: CPU [0-9]+: Writing MSR .* failed|unchecked MSR access error)' | head -n 1)
    [ -z "$line" ] || fail "the kernel found its platform wanting: '$line'"
}
