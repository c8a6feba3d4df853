/*
 * Copies and fills move eight bytes at a time while eight are left, then
 * single bytes: x86 loads and stores need no alignment, so there is no
 * prologue to align them. The hypervisor copies every request and every
 * guest buffer through these, so their speed shows on every exit that
 * touches memory.
 */
#include "lib/string.h"

#include <stdint.h>

/* A word at any address, which may alias any object. */
typedef uint64_t __attribute__((may_alias, aligned(1))) any_word;

#define WORD               sizeof(uint64_t)
#define BYTE_IN_EVERY_LANE 0x0101010101010101ull

/* gcc would turn these loops back into calls to the functions they are. */
#define NOT_A_LIBRARY_CALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

/* Safe when dest lies below src, overlapping or not: each word is read
 * before anything at or above it is written. */
static NOT_A_LIBRARY_CALL void copy_up(unsigned char *d, const unsigned char *s, size_t n)
{
    for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
        *(any_word *)d = *(const any_word *)s;
    while (n--)
        *d++ = *s++;
}

/* The mirror image, for dest above src. */
static NOT_A_LIBRARY_CALL void copy_down(unsigned char *d, const unsigned char *s, size_t n)
{
    for (; n >= WORD; n -= WORD)
        *(any_word *)(d + n - WORD) = *(const any_word *)(s + n - WORD);
    while (n--)
        d[n] = s[n];
}

void *memcpy(void *dest, const void *src, size_t n)
{
    copy_up(dest, src, n);
    return dest;
}

void *memmove(void *dest, const void *src, size_t n)
{
    if ((uintptr_t)dest < (uintptr_t)src)
        copy_up(dest, src, n);
    else if (dest != src)
        copy_down(dest, src, n);
    return dest;
}

NOT_A_LIBRARY_CALL void *memset(void *dest, int c, size_t n)
{
    unsigned char *d = dest;
    uint64_t pattern = (unsigned char)c * BYTE_IN_EVERY_LANE;

    for (; n >= WORD; n -= WORD, d += WORD)
        *(any_word *)d = pattern;
    while (n--)
        *d++ = (unsigned char)c;
    return dest;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    size_t i = 0;

    /* Equal words are skipped; the first differing byte decides. */
    while (n - i >= WORD && *(const any_word *)(x + i) == *(const any_word *)(y + i))
        i += WORD;
    for (; i < n; i++) {
        if (x[i] != y[i])
            return x[i] - y[i];
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i] || !a[i])
            return (unsigned char)a[i] - (unsigned char)b[i];
    }
    return 0;
}
