#include "guests/dom0/shell.h"

#include "guests/dom0/log_view.h"
#include "guests/dom0/operator.h"
#include "guests/lib/event.h"
#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"
#include "lib/format.h"
#include "lib/string.h"

#define MAX_PARTITIONS  8
#define MAX_WORDS       4
#define COMMAND_LEN     128
#define WAIT_POLLS      400
#define WAIT_POLL_TICKS 1000000ull

static uint64_t tsc_hz;

void shell_use_tsc(uint64_t hz)
{
    tsc_hz = hz;
}

static bool is_word(const char *word, const char *expected)
{
    return strncmp(word, expected, COMMAND_LEN) == 0;
}

static const char *const state_names[] = {"running", "stopped", "crashed", "destroyed"};

static const char *state_name(uint32_t state)
{
    return state < 4 ? state_names[state] : "?";
}

/* The entry of partition `name`; false when there is none. */
static bool find(const char *name, struct hc_partition_entry *out)
{
    struct hc_partition_entry entries[MAX_PARTITIONS];
    int64_t count = hc_partition_list(entries, MAX_PARTITIONS);

    for (int64_t i = 0; i < count; i++) {
        if (strncmp(entries[i].name, name, HC_NAME_LEN) == 0) {
            *out = entries[i];
            return true;
        }
    }
    return false;
}

/* ", exit status N" or ", no exit status": what its last run recorded. */
static const char *exit_status_text(const struct hc_partition_entry *p)
{
    static char text[32];

    if (!p->has_exit_status)
        return ", no exit status";
    format(text, sizeof(text), ", exit status %u", p->exit_status);
    return text;
}

static void list(void)
{
    struct hc_partition_entry entries[MAX_PARTITIONS];
    int64_t count = hc_partition_list(entries, MAX_PARTITIONS);

    for (int64_t i = 0; i < count; i++)
        printf("dom0: partition %u %s %s, %u cpu(s), %llu MiB, %llu exits%s\n", entries[i].id,
               entries[i].name, state_name(entries[i].state), entries[i].cpu_count,
               (unsigned long long)(entries[i].memory_bytes >> 20),
               (unsigned long long)entries[i].exits[HC_EXITS_TOTAL], exit_status_text(&entries[i]));
}

static void stats(const struct hc_partition_entry *p)
{
    const uint64_t *e = p->exits;

    printf("dom0: stats %s: exits %llu cpuid %llu io %llu msr %llu hlt %llu vmcall %llu ept %llu "
           "interrupt %llu%s\n",
           p->name, (unsigned long long)e[HC_EXITS_TOTAL], (unsigned long long)e[HC_EXITS_CPUID],
           (unsigned long long)e[HC_EXITS_IO], (unsigned long long)e[HC_EXITS_MSR],
           (unsigned long long)e[HC_EXITS_HLT], (unsigned long long)e[HC_EXITS_VMCALL],
           (unsigned long long)e[HC_EXITS_EPT], (unsigned long long)e[HC_EXITS_INTERRUPT],
           exit_status_text(p));
}

/* Whole seconds, 1 to 3600; 0 for anything else. */
static uint64_t seconds_of(const char *word)
{
    uint64_t seconds = 0;

    for (const char *c = word; *c; c++) {
        if (*c < '0' || *c > '9' || seconds > 3600)
            return 0;
        seconds = seconds * 10 + (uint64_t)(*c - '0');
    }
    return seconds <= 3600 ? seconds : 0;
}

/* Commands act asynchronously: `wait NAME STATE [SECONDS]` polls until they
 * took, serving the devices meanwhile: SECONDS at most (with a known TSC),
 * else WAIT_POLLS polls. The time allowed is counted on the TSC, since
 * events (I/O requests, say) cut a poll's sleep short. */
static void wait_for(const char *name, const char *state, uint64_t seconds)
{
    struct hc_partition_entry p;
    uint64_t give_up =
        tsc_after(seconds && tsc_hz ? seconds * tsc_hz : WAIT_POLLS * WAIT_POLL_TICKS);

    while (cpu_rdtsc_ordered() < give_up) {
        bool found = find(name, &p);
        /* A destroyed partition leaves the list. */
        if (found ? is_word(state_name(p.state), state) : is_word(state, "destroyed")) {
            printf("dom0: %s is %s\n", name, state);
            return;
        }
        /* Requests wake dom0 far more often than a poll: the state is
         * asked for once a poll, not at each of them. */
        uint64_t next_poll = tsc_after(WAIT_POLL_TICKS);
        while (cpu_rdtsc_ordered() < next_poll)
            dom0_serve_until(next_poll);
    }
    printf("dom0: %s did not become %s\n", name, state);
}

static void control(const char *verb, const struct hc_partition_entry *p)
{
    int64_t result = HC_ENOSYS;

    if (is_word(verb, "stop"))
        result = hc_partition_stop(p->id);
    else if (is_word(verb, "start"))
        result = hc_partition_start(p->id);
    else if (is_word(verb, "restart"))
        result = hc_partition_restart(p->id);
    else if (is_word(verb, "destroy"))
        result = hc_partition_destroy(p->id);
    printf("dom0: %s %s: %s\n", verb, p->name, hc_error_name(result));
}

/* The clean way to end a full partition: its kernel sees the ACPI power
 * button and shuts down by itself; `stop` is the hard way. */
static void shutdown(const struct hc_partition_entry *p)
{
    int64_t result = hc_partition_shutdown(p->id);

    if (result == 0)
        printf("dom0: shutdown %s: power button pressed\n", p->name);
    else if (result == 1)
        printf("dom0: shutdown %s: power button pressed, but %s does not listen to it "
               "('stop %s' ends it)\n",
               p->name, p->name, p->name);
    else
        printf("dom0: shutdown %s: %s\n", p->name, hc_error_name(result));
}

static bool is_control_verb(const char *verb)
{
    return is_word(verb, "stop") || is_word(verb, "start") || is_word(verb, "restart") ||
           is_word(verb, "destroy");
}

static bool takes_a_partition(const char *verb)
{
    return is_word(verb, "stats") || is_word(verb, "console") || is_word(verb, "shutdown") ||
           is_control_verb(verb);
}

/* Splits at spaces, in place; returns the number of words. */
static unsigned split(char *line, char *words[MAX_WORDS])
{
    unsigned count = 0;

    for (char *p = line; *p && count < MAX_WORDS;) {
        while (*p == ' ')
            *p++ = '\0';
        if (*p)
            words[count++] = p;
        while (*p && *p != ' ')
            p++;
    }
    return count;
}

/* For the crash-and-restart test: crashes dom0 (a triple fault) on its
 * first run only, so that the restarted dom0 goes on. */
static void crash_once(void)
{
    struct hc_self_info self;
    static const struct cpu_table_pointer no_idt = {0, 0};

    if (hc_self_info(&self) != 0 || self.restarts) {
        printf("dom0: running again after %u restart(s)\n", self.restarts);
        return;
    }
    printf("dom0: crashing on purpose\n");
    cpu_load_idt(&no_idt);
    cpu_int3();
}

/* On success every partition stops, this one too, before the call returns
 * to it: only a failure gets a line. */
static void machine_control(const char *verb, enum hc_machine_action action)
{
    printf("dom0: %s: %s\n", verb, hc_error_name(hc_machine_control(action)));
}

static void help(void)
{
    printf("dom0: commands: list; stats NAME; shutdown NAME; stop|start|restart|destroy NAME; "
           "wait NAME running|stopped|crashed|destroyed [SECONDS]; console NAME; log; poweroff; "
           "reboot\n");
}

void shell_run_command(char *line)
{
    char *words[MAX_WORDS];
    unsigned count = split(line, words);
    struct hc_partition_entry p;

    if (!count)
        return;
    if (is_word(words[0], "list") && count == 1)
        list();
    else if (is_word(words[0], "help") && count == 1)
        help();
    else if (is_word(words[0], "crash") && count == 1)
        crash_once();
    else if (is_word(words[0], "log") && count == 1)
        log_view_print();
    else if (is_word(words[0], "poweroff") && count == 1)
        machine_control(words[0], HC_MACHINE_POWEROFF);
    else if (is_word(words[0], "reboot") && count == 1)
        machine_control(words[0], HC_MACHINE_REBOOT);
    else if (is_word(words[0], "wait") && count == 3)
        wait_for(words[1], words[2], 0);
    else if (is_word(words[0], "wait") && count == 4 && seconds_of(words[3]))
        wait_for(words[1], words[2], seconds_of(words[3]));
    else if (takes_a_partition(words[0]) && count == 2) {
        if (!find(words[1], &p))
            printf("dom0: no partition %s\n", words[1]);
        else if (is_word(words[0], "stats"))
            stats(&p);
        else if (is_word(words[0], "console"))
            operator_console_attach(&p);
        else if (is_word(words[0], "shutdown"))
            shutdown(&p);
        else
            control(words[0], &p);
    } else
        printf("dom0: unknown command '%s'\n", words[0]);
}

void shell_run_script(const char *script)
{
    char command[COMMAND_LEN];
    unsigned length = 0;

    for (const char *c = script;; c++) {
        if (*c && *c != ';') {
            if (length + 1 < sizeof(command))
                command[length++] = *c;
            continue;
        }
        command[length] = '\0';
        char *start = command;
        while (*start == ' ')
            start++;
        if (*start)
            printf("dom0> %s\n", start);
        shell_run_command(command);
        length = 0;
        if (!*c)
            break;
    }
}
