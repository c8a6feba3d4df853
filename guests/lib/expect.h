/*
 * Checks that print one line each, "PASS <what>" or "FAIL <what>: <details>",
 * where <what> is the checked expression as written in the source. Failures
 * are counted; guest_exit_status() turns the count into the exit status.
 *
 *   EXPECT_TRUE(cond)               cond is non-zero
 *   EXPECT_EQ(actual, expected)     equal as 64-bit unsigned values
 *   EXPECT_FAULT(vector, statement) statement raises exception vector; the
 *                                   guest carries on after it either way
 *   EXPECT_NO_FAULT(statement)      statement raises no exception
 */
#ifndef GUESTS_LIB_EXPECT_H
#define GUESTS_LIB_EXPECT_H

#include "guests/lib/exceptions.h"

#include <stdbool.h>
#include <stdint.h>

#define EXPECT_TRUE(cond) expect_true((cond) != 0, #cond)

#define EXPECT_EQ(actual, expected)                                                                \
    expect_equal((uint64_t)(actual), (uint64_t)(expected), #actual " == " #expected)

#define EXPECT_FAULT(vector, statement)                                                            \
    do {                                                                                           \
        CATCH_FAULT(statement);                                                                    \
        expect_fault_seen((vector), #statement);                                                   \
    } while (0)

#define EXPECT_NO_FAULT(statement)                                                                 \
    do {                                                                                           \
        CATCH_FAULT(statement);                                                                    \
        expect_no_fault_seen(#statement);                                                          \
    } while (0)

void expect_true(bool ok, const char *what);
void expect_equal(uint64_t actual, uint64_t expected, const char *what);

/* Judge the CATCH_FAULT that just ran. */
void expect_fault_seen(uint64_t vector, const char *what);
void expect_no_fault_seen(const char *what);

/* A loop that makes the same checks thousands of times prints only its
 * failures, not every pass. */
void expect_passes_quietly(bool quiet);

/* GUEST_STATUS_PASS if no check failed so far, else GUEST_STATUS_FAIL. */
int guest_exit_status(void);

#endif
