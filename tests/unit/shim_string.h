/* Compiles lib/string.c under names of its own, so the unit test compares
 * it with the C library instead of replacing it. */
#define memcpy  lib_memcpy
#define memmove lib_memmove
#define memset  lib_memset
#define memcmp  lib_memcmp
#define strlen  lib_strlen
#define strncmp lib_strncmp
