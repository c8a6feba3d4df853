/*
 * Writing ACPI bytes: a bounded little-endian writer for the tables, and
 * the few AML constructs (ACPI 6.5 chapter 20) a partition's DSDT needs,
 * each one small helper so the DSDT is generated, not a blob. A write
 * past the writer's capacity is dropped and remembered, so a caller checks
 * once at the end.
 */
#ifndef LIB_ACPI_AML_H
#define LIB_ACPI_AML_H

#include <stdbool.h>
#include <stdint.h>

struct acpi_writer {
    uint8_t *data;
    uint32_t length, capacity;
    bool overflow;
};

/* Appends value as `bytes` little-endian bytes. */
void acpi_put(struct acpi_writer *w, uint64_t value, unsigned bytes);
void acpi_put_chars(struct acpi_writer *w, const char *chars, unsigned count);

/* AML opcodes the DSDT uses. */
#define AML_ZERO       0x00
#define AML_ONE        0x01
#define AML_NAME       0x08
#define AML_BYTE       0x0a
#define AML_WORD       0x0b
#define AML_DWORD      0x0c
#define AML_QWORD      0x0e
#define AML_SCOPE      0x10
#define AML_BUFFER     0x11
#define AML_PACKAGE    0x12
#define AML_EXT_PREFIX 0x5b
#define AML_DEVICE     0x82 /* after AML_EXT_PREFIX */
#define AML_ROOT       0x5c /* '\' */

/* An integer in its shortest encoding (Zero, One, Byte ... QWord). */
void aml_integer(struct acpi_writer *w, uint64_t value);
/* Name(name, ...): the object follows; name is four characters. */
void aml_name(struct acpi_writer *w, const char name[4]);
/* The EISA ID of "PNP0A08" and its kin, as a DWord (ACPI 6.5, 19.6.35). */
void aml_eisa_id(struct acpi_writer *w, const char id[7]);

/* Opens a construct that carries a PkgLength (Scope, Device, Package,
 * Buffer) after writing its opcode bytes; returns what aml_close() needs. */
uint32_t aml_open(struct acpi_writer *w, const uint8_t *opcode, unsigned opcode_length);
/* Writes the PkgLength of the construct opened at `open`, now that its
 * contents are written. */
void aml_close(struct acpi_writer *w, uint32_t open);

#endif
