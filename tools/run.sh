#!/usr/bin/env bash
# Boots a Bulkhead disk image in an emulator, streams the serial console to
# stdout and saves it to LOG. Every run works in its own directory under
# build/runs/ (its copy of the image, the emulator's config and log), so runs
# can go on side by side.
#
# Usage: tools/run.sh --emu bochs|qemu-tcg|qemu-kvm --image IMG --log LOG
#            [--cpus N] [--mem MiB] [--timeout SECONDS] [--machine q35|pc]
#            [--bochs-cpu MODEL] [--expect-exit CODE|any] [--screenshot FILE]
#            [--serial-script FILE] [--display none|x]
#            [--com2 FILE] [--e1000 yes] [--reboot yes] [--keep-image FILE]
#            [--data-disk FILE]
#
#   bochs     Bochs 2.7 with emulated VT-x and EPT (the default test bed);
#             --bochs-cpu picks the CPU model (default corei7_skylake_x).
#   qemu-tcg  QEMU without acceleration: no VT-x, but q35, many CPUs and
#             memory above 4 GiB (--machine picks the chipset, default q35).
#   qemu-kvm  QEMU with nested KVM, for hosts with VT-x (see
#             tools/kvm-nested-available.sh).
#   --screenshot  QEMU only: once the machine has powered off, save the
#             screen (the framebuffer console) to FILE as a PPM picture.
#   --serial-script  type at the serial console: tools/serial-console.py
#             plays FILE (expect/send/screenshot lines) against it; the log
#             gets the console's output as usual.
#   --display x  Bochs only: a screen. A PCI Cirrus card (for which the
#             firmware offers a GOP framebuffer, 800x600) shown in Bochs's X
#             window on a private virtual X server (Xvfb); a serial script's
#             `screenshot FILE` saves it (tools/bochs-screenshot.py), its
#             `key TEXT` types at the machine's PS/2 keyboard
#             (tools/bochs-keyboard.py) and `screen TEXT` waits for the
#             screen to show TEXT. The default, none, has the standard VGA
#             card and no window.
#   --com2    Bochs only: a second 16550 at 0x2f8 whose output goes to FILE
#             (a UART for a partition that owns it).
#   --e1000   Bochs only: an Intel 82540EM network card at PCI 00:02.0 with
#             no network behind it (registers behind a memory BAR and an
#             I/O BAR, for a partition that owns the function).
#   --reboot  QEMU only: a reset of the machine boots it again, from the
#             same disk, instead of ending the run (Bochs always does so).
#   --keep-image  copy the run's disk, with whatever the machine wrote to
#             it, to FILE once the run is over.
#   --data-disk  a second ATA disk, FILE itself (not a copy: what the machine
#             writes stays for the next run), as the master on the
#             secondary legacy channel: ports 0x170-0x177 and 0x376, IRQ 15
#             (QEMU: an isa-ide controller there). A missing FILE is made,
#             64 MiB of zeros; its size must be a multiple of 256 KiB.
#   --expect-exit  the emulator's own exit status the run must end with
#             (default any: Bochs always exits 1 after a guest power-off).
#
# Exit status: 0 when the log holds the summary line ("bulkhead: summary
# cpus=") and a power-off line ("bulkhead: powering off") and the emulator
# ended by itself; 1 when it ended but the log says otherwise; 2 when the
# emulator cannot run on this host; 3 on a usage or setup error; 4 when the
# emulator itself crashed (a fatal signal) before the machine was done; 124
# when the run hit its timeout and was killed.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
usage() { # usage [STATUS]: --help prints to stdout and succeeds
    if [ "${1:-3}" = 0 ]; then
        sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'
        exit 0
    fi
    sed -n '/^# Usage:/,/^# Exit status/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 3
}
x_pid= # the screen's X server, once started
die() {
    echo "run: $*" >&2
    [ -z "$x_pid" ] || kill "$x_pid" 2>/dev/null
    exit 3
}

emu= image= log= cpus=1 mem=512 timeout=300 machine=q35
bochs_cpu=corei7_skylake_x expect_exit=any screenshot= serial_script= com2= e1000=no display=none reboot=no keep_image=
data_disk=
while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || case "$1" in -h | --help) usage 0 ;; *) die "$1 wants a value" ;; esac
    case "$1" in
    --emu) emu=$2 ;;
    --image) image=$2 ;;
    --log) log=$2 ;;
    --cpus) cpus=$2 ;;
    --mem) mem=$2 ;;
    --timeout) timeout=$2 ;;
    --machine) machine=$2 ;;
    --bochs-cpu) bochs_cpu=$2 ;;
    --expect-exit) expect_exit=$2 ;;
    --screenshot) screenshot=$2 ;;
    --serial-script) serial_script=$2 ;;
    --display) display=$2 ;;
    --com2) com2=$2 ;;
    --e1000) e1000=$2 ;;
    --reboot) reboot=$2 ;;
    --keep-image) keep_image=$2 ;;
    --data-disk) data_disk=$2 ;;
    *) echo "run: unknown argument '$1'" >&2; usage ;;
    esac
    shift 2
done
[ -n "$emu" ] && [ -n "$image" ] && [ -n "$log" ] || usage
[ -f "$image" ] || die "no such image: $image"
[[ $cpus =~ ^[1-9][0-9]*$ ]] || die "--cpus wants a positive number, got '$cpus'"
[[ $mem =~ ^[1-9][0-9]*$ ]] || die "--mem wants MiB as a number, got '$mem'"
[[ $timeout =~ ^[1-9][0-9]*$ ]] || die "--timeout wants seconds, got '$timeout'"
[[ $expect_exit =~ ^([0-9]+|any)$ ]] || die "--expect-exit wants a number or 'any'"
case "$machine" in q35 | pc) ;; *) die "--machine wants q35 or pc, got '$machine'" ;; esac
[ -z "$serial_script" ] || [ -f "$serial_script" ] || die "no such serial script: $serial_script"
case "$e1000" in yes | no) ;; *) die "--e1000 wants yes or no, got '$e1000'" ;; esac
case "$reboot" in yes | no) ;; *) die "--reboot wants yes or no, got '$reboot'" ;; esac
case "$display" in none | x) ;; *) die "--display wants none or x, got '$display'" ;; esac
[ "$display" = none ] || [ "$emu" = bochs ] || die "--display x needs Bochs"
# Bochs 2.7 holds at most 2048 MiB in host memory; its mode for more
# (`memory: guest=, host=`) swaps blocks to a file without dropping the
# CPU's cached stack pointer, so a guest's stack can read another block.
[ "$emu" != bochs ] || [ "$mem" -le 2048 ] ||
    die "--mem $mem: Bochs runs at most 2048 MiB; a larger machine needs qemu-kvm"

# The data disk persists from run to run; a lock left by a killed Bochs
# would keep the next run from opening it.
if [ -n "$data_disk" ]; then
    data_disk=$(realpath -m "$data_disk")
    [ -e "$data_disk" ] || truncate -s 64M "$data_disk" || die "cannot create $data_disk"
    [ $(($(stat -c %s "$data_disk") % 262144)) -eq 0 ] ||
        die "--data-disk $data_disk: its size is not a multiple of 256 KiB"
    rm -f "$data_disk.lock"
fi

OVMF=${OVMF:-/usr/share/ovmf/OVMF.fd}
VGABIOS=${VGABIOS:-/usr/share/bochs/VGABIOS-lgpl-latest}
[ -f "$OVMF" ] || die "$OVMF is missing (run tools/setup.sh)"

case "$emu" in
bochs)
    command -v bochs >/dev/null || die "bochs is missing (run tools/setup.sh)"
    [ -f "$VGABIOS" ] || die "$VGABIOS is missing (run tools/setup.sh)"
    ;;
qemu-tcg)
    command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is missing (run tools/setup.sh)"
    ;;
qemu-kvm)
    command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is missing (run tools/setup.sh)"
    if ! why=$("$root/tools/kvm-nested-available.sh"); then
        echo "run: $why"
        exit 2
    fi
    ;;
*) die "--emu wants bochs, qemu-tcg or qemu-kvm, got '$emu'" ;;
esac

# The per-run directory, with the run's own copy of the image: a killed Bochs
# leaves a lock file beside its image, and two runs must never share one.
run_dir=$root/build/runs/$(date +%Y%m%d-%H%M%S)-$emu-$$
mkdir -p "$run_dir" "$(dirname "$log")" || die "cannot create $run_dir"
disk=$run_dir/disk.img
cp --sparse=always "$image" "$disk" || die "cannot copy $image"
log=$(realpath -m "$log")
: >"$log"

# await_ready FILE PID WHAT LOG: a helper started in the background tells
# it is ready by writing FILE; give up when it dies or after 10 s.
await_ready() {
    for _ in $(seq 100); do
        [ -s "$1" ] || ! kill -0 "$2" 2>/dev/null && break
        sleep 0.1
    done
    [ -s "$1" ] || die "$3 did not start: $(cat "$4")"
}

# The screen's X server, with a display number of its own (-displayfd), so
# runs side by side do not collide.
start_x_server() {
    command -v Xvfb >/dev/null && command -v xwd >/dev/null ||
        die "Xvfb or xwd is missing (run tools/setup.sh)"
    Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$run_dir/display" \
        >"$run_dir/xvfb.log" 2>&1 &
    x_pid=$!
    await_ready "$run_dir/display" "$x_pid" "the X server" "$run_dir/xvfb.log"
    export DISPLAY=:$(cat "$run_dir/display")
}
stop_x_server() {
    [ -z "$x_pid" ] || { kill "$x_pid" 2>/dev/null; wait "$x_pid" 2>/dev/null; }
}
screenshot_command= keyboard_command=
if [ "$display" = x ]; then
    trap 'stop_x_server; exit 130' INT TERM HUP
    start_x_server
    screenshot_command=$(printf '%q --display %q' "$root/tools/bochs-screenshot.py" "$DISPLAY")
    keyboard_command=$(printf '%q --display %q' "$root/tools/bochs-keyboard.py" "$DISPLAY")
fi

# The serial console: a file, or the console tool that types the script at
# it. The tool listens first; the emulator connects to it as a client.
bochs_com1="com1: enabled=1, mode=file, dev=$log"
qemu_serial=(-serial "file:$log")
console_pid=
if [ -n "$serial_script" ]; then
    "$root/tools/serial-console.py" --port-file "$run_dir/console.port" --log "$log" \
        --script "$serial_script" --screenshot-command "$screenshot_command" \
        --keyboard-command "$keyboard_command" --font "$root/build/font.bin" \
        2>"$run_dir/console.err" &
    console_pid=$!
    await_ready "$run_dir/console.port" "$console_pid" "the serial console" "$run_dir/console.err"
    console_port=$(cat "$run_dir/console.port")
    bochs_com1="com1: enabled=1, mode=socket-client, dev=localhost:$console_port"
    qemu_serial=(-serial "tcp:127.0.0.1:$console_port")
fi

write_bochsrc() {
    local size cylinders
    size=$(stat -c %s "$disk")
    # Bochs's disk geometry: 16 heads, 32 sectors per track = 256 KiB a cylinder.
    [ $((size % 262144)) -eq 0 ] || die "image size $size is not a multiple of 256 KiB"
    cylinders=$((size / 262144))
    # rfb with timeout=0 runs headless without waiting for a viewer. It takes the
    # first free TCP port from 5900 up, so runs side by side do not collide.
    # With a screen: the Cirrus card in PCI slot 2 (the e1000 takes slot 1).
    local display_lines="display_library: rfb, options=\"timeout=0\"" pci_slots=
    if [ "$display" = x ]; then
        display_lines="display_library: x
vga: extension=cirrus, update_freq=10"
        pci_slots+=", slot2=cirrus"
    fi
    [ "$e1000" = no ] || pci_slots+=", slot1=e1000"
    # The dummy sound driver: with ALSA but no sound card, Bochs 2.7's mixer
    # thread aborts ("buffer overflow detected") even with the speaker off.
    cat >"$run_dir/bochsrc" <<EOF
megs: $mem
cpu: model=$bochs_cpu, count=$cpus, ips=200000000, reset_on_triple_fault=0, ignore_bad_msrs=1
romimage: file=$OVMF, address=0xffe00000
vgaromimage: file=$VGABIOS
$display_lines
$bochs_com1
port_e9_hack: enabled=1
pci: enabled=1, chipset=i440fx$pci_slots
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-master: type=disk, path=$disk, mode=flat, cylinders=$cylinders, heads=16, spt=32
boot: disk
speaker: enabled=0
sound: driver=dummy
log: $run_dir/bochs.log
panic: action=report
error: action=report
EOF
    if [ -n "$com2" ]; then
        com2=$(realpath -m "$com2")
        : >"$com2"
        echo "com2: enabled=1, mode=file, dev=$com2" >>"$run_dir/bochsrc"
    fi
    if [ "$e1000" = yes ]; then
        echo "e1000: enabled=1, mac=52:54:00:12:34:56, ethmod=null" >>"$run_dir/bochsrc"
    fi
    if [ -n "$data_disk" ]; then
        cat >>"$run_dir/bochsrc" <<EOF
ata1: enabled=1, ioaddr1=0x170, ioaddr2=0x370, irq=15
ata1-master: type=disk, path=$data_disk, mode=flat, cylinders=$(($(stat -c %s "$data_disk") / 262144)), heads=16, spt=32
EOF
    fi
    echo c >"$run_dir/cont.rc"
}

emu_cmd=()
case "$emu" in
bochs)
    write_bochsrc
    emu_cmd=(bochs -q -f "$run_dir/bochsrc" -rc "$run_dir/cont.rc")
    ;;
qemu-tcg | qemu-kvm)
    if [ "$emu" = qemu-kvm ]; then
        accel=(-machine "$machine" -accel kvm -cpu host,+vmx)
    else
        accel=(-machine "$machine,accel=tcg" -cpu max)
    fi
    emu_cmd=(qemu-system-x86_64 "${accel[@]}" -smp "$cpus" -m "$mem"
        -bios "$OVMF" -drive "file=$disk,format=raw"
        -device isa-debug-exit,iobase=0xf4,iosize=0x04
        -display none "${qemu_serial[@]}" -net none)
    [ "$reboot" = yes ] || emu_cmd+=(-no-reboot)
    [ -z "$data_disk" ] || emu_cmd+=(-drive "if=none,id=data,file=$data_disk,format=raw"
        -device isa-ide,id=data-ide,iobase=0x170,iobase2=0x376,irq=15
        -device ide-hd,drive=data,bus=data-ide.0)
    # The power-off pauses QEMU instead of ending it, so that the screen can
    # still be read; qemu-screenshot.py then ends it.
    if [ -n "$screenshot" ]; then
        screenshot=$(realpath -m "$screenshot")
        rm -f "$screenshot"
        emu_cmd+=(-no-shutdown -monitor "unix:$run_dir/monitor.sock,server,nowait")
    fi
    ;;
esac
[ -z "$screenshot" ] || [ "$emu" != bochs ] || die "--screenshot needs a QEMU emulator"
[ -z "$com2" ] && [ "$e1000" = no ] || [ "$emu" = bochs ] || die "--com2 and --e1000 need Bochs"
printf '%q ' "${emu_cmd[@]}" >"$run_dir/command"
echo >>"$run_dir/command"

start=$(date +%s)
# timeout(1) puts the emulator in a process group of its own and, on expiry,
# signals the whole group (TERM, then KILL 5 s later).
(cd "$run_dir" && exec timeout -k 5 "$timeout" "${emu_cmd[@]}" </dev/null \
    >"$run_dir/emulator.out" 2>&1) &
emu_pid=$!
tail -n +1 -F --pid=$emu_pid "$log" 2>/dev/null &
tail_pid=$!
if [ -n "$screenshot" ]; then
    "$root/tools/qemu-screenshot.py" "$run_dir/monitor.sock" "$screenshot" \
        >"$run_dir/screenshot.out" 2>&1 &
fi

# Interrupting run.sh must not leave an emulator behind.
stop_run() {
    kill -TERM "$emu_pid" 2>/dev/null
    pkill -TERM -P "$emu_pid" 2>/dev/null
    wait "$emu_pid" 2>/dev/null
    kill "$tail_pid" $console_pid 2>/dev/null
    stop_x_server
    echo "run: interrupted"
    exit 130
}
trap stop_run INT TERM HUP

wait "$emu_pid"
emu_status=$?
# The console tool ends when the emulator closes the connection, or is
# stopped when the emulator never connected.
console_status=0
if [ -n "$console_pid" ]; then
    for _ in $(seq 20); do
        kill -0 "$console_pid" 2>/dev/null || break
        sleep 0.1
    done
    kill "$console_pid" 2>/dev/null
    wait "$console_pid"
    console_status=$?
fi
wait "$tail_pid" 2>/dev/null
stop_x_server
trap - INT TERM HUP
elapsed=$(($(date +%s) - start))

# The serial log may hold the firmware's terminal escapes, CRLF line ends
# and the hypervisor's time stamps (timestamps = yes), all dropped here.
# Readers of it in a pipe read to the end (no grep -q): with pipefail, an
# early exit would fail the pipe by SIGPIPE on a long log.
clean_log() {
    sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\r//g' \
        -e 's/^bulkhead: \[ *[0-9]*\.[0-9]\{6\}\] /bulkhead: /' "$log"
}

# The console's last line may lack its newline; keep ours on lines of their own.
[ -s "$log" ] && [ "$(tail -c 1 "$log" | od -An -c | tr -d ' ')" != '\n' ] && echo

# The emulator itself died of a fault (SIGILL, SIGABRT, SIGBUS, SIGFPE,
# SIGSEGV): a failure of the host's emulator, not of the machine it ran.
emulator_crashed() {
    case "$emu_status" in 132 | 134 | 135 | 136 | 139) return 0 ;; *) return 1 ;; esac
}

status=0
if [ "$emu_status" -eq 124 ] || [ "$emu_status" -eq 137 ]; then
    echo "run: timeout after $timeout s"
    status=124
elif ! clean_log | grep '^bulkhead: summary cpus=' >/dev/null && emulator_crashed; then
    echo "run: $emu crashed (signal $((emu_status - 128))) before the machine was done;" \
        "see $run_dir/emulator.out"
    status=4
elif ! clean_log | grep '^bulkhead: summary cpus=' >/dev/null; then
    echo "run: no 'bulkhead: summary' line in the serial log"
    status=1
elif ! clean_log | grep '^bulkhead: powering off' >/dev/null; then
    echo "run: no 'bulkhead: powering off' line in the serial log"
    status=1
elif [ "$expect_exit" != any ] && [ "$emu_status" -ne "$expect_exit" ]; then
    echo "run: $emu exited with $emu_status, expected $expect_exit"
    status=1
elif [ "$console_status" -ne 0 ]; then
    echo "run: the serial script was not played to its end: $(cat "$run_dir/console.err")"
    status=1
fi
# A Bochs panic other than the shutdown port's own is worth a look.
if [ "$emu" = bochs ] && grep -v 'Shutdown port' "$run_dir/bochs.log" 2>/dev/null | grep '>>PANIC<<' >/dev/null; then
    echo "run: bochs reported a panic, see $run_dir/bochs.log"
fi
[ -z "$keep_image" ] || cp --sparse=always "$disk" "$keep_image" ||
    echo "run: cannot copy the disk to $keep_image"
# The image copy is only worth keeping to look into a failed run.
[ "$status" -ne 0 ] || rm -f "$disk"
echo "run: $emu finished in $elapsed s, exit $status"
exit "$status"
