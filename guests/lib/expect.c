#include "guests/lib/expect.h"

#include "guests/lib/console.h"
#include "guests/lib/runtime.h"

static unsigned failures;
static bool passes_quiet;

void expect_passes_quietly(bool quiet)
{
    passes_quiet = quiet;
}

static void pass(const char *what)
{
    if (!passes_quiet)
        printf("PASS %s\n", what);
}

static void fail_prefix(const char *what)
{
    failures++;
    printf("FAIL %s: ", what);
}

void expect_true(bool ok, const char *what)
{
    if (ok) {
        pass(what);
        return;
    }
    fail_prefix(what);
    printf("false\n");
}

void expect_equal(uint64_t actual, uint64_t expected, const char *what)
{
    if (actual == expected) {
        pass(what);
        return;
    }
    fail_prefix(what);
    printf("got 0x%llx, want 0x%llx\n", (unsigned long long)actual, (unsigned long long)expected);
}

static void print_caught(void)
{
    printf("%s error 0x%llx at rip 0x%llx\n", exception_name(fault_catcher.vector),
           (unsigned long long)fault_catcher.error_code, (unsigned long long)fault_catcher.rip);
}

void expect_fault_seen(uint64_t vector, const char *what)
{
    if (fault_catcher.caught && fault_catcher.vector == vector) {
        printf("PASS %s raises %s\n", what, exception_name(vector));
        return;
    }
    failures++;
    printf("FAIL %s raises %s: ", what, exception_name(vector));
    if (fault_catcher.caught) {
        printf("got ");
        print_caught();
    } else {
        printf("no fault\n");
    }
}

void expect_no_fault_seen(const char *what)
{
    if (!fault_catcher.caught) {
        printf("PASS %s does not fault\n", what);
        return;
    }
    failures++;
    printf("FAIL %s does not fault: ", what);
    print_caught();
}

int guest_exit_status(void)
{
    return failures == 0 ? GUEST_STATUS_PASS : GUEST_STATUS_FAIL;
}
