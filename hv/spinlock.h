/* A test-and-test-and-set spinlock. The log lock also remembers its owner so
 * that a CPU which faults while printing can still report the fault. */
#ifndef HV_SPINLOCK_H
#define HV_SPINLOCK_H

#include <stdbool.h>

#include "arch/x86_64/cpu.h"

struct spinlock {
    volatile int locked;
};

static inline bool spin_try_lock(struct spinlock *lock)
{
    return !__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void spin_lock(struct spinlock *lock)
{
    while (!spin_try_lock(lock)) {
        while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
            cpu_pause();
    }
}

static inline void spin_unlock(struct spinlock *lock)
{
    __atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
}

#endif
