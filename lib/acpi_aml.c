#include "lib/acpi_aml.h"

#include "lib/string.h"

void acpi_put(struct acpi_writer *w, uint64_t value, unsigned bytes)
{
    if (w->overflow || w->capacity - w->length < bytes) {
        w->overflow = true;
        return;
    }
    for (unsigned i = 0; i < bytes; i++)
        w->data[w->length++] = (uint8_t)(value >> (8 * i));
}

void acpi_put_chars(struct acpi_writer *w, const char *chars, unsigned count)
{
    for (unsigned i = 0; i < count; i++)
        acpi_put(w, (uint8_t)chars[i], 1);
}

void aml_integer(struct acpi_writer *w, uint64_t value)
{
    if (value <= AML_ONE) {
        acpi_put(w, value, 1); /* ZeroOp, OneOp */
    } else if (value <= 0xff) {
        acpi_put(w, AML_BYTE, 1);
        acpi_put(w, value, 1);
    } else if (value <= 0xffff) {
        acpi_put(w, AML_WORD, 1);
        acpi_put(w, value, 2);
    } else if (value <= 0xffffffffu) {
        acpi_put(w, AML_DWORD, 1);
        acpi_put(w, value, 4);
    } else {
        acpi_put(w, AML_QWORD, 1);
        acpi_put(w, value, 8);
    }
}

void aml_name(struct acpi_writer *w, const char name[4])
{
    acpi_put(w, AML_NAME, 1);
    acpi_put_chars(w, name, 4);
}

/* Three letters of five bits each (A = 1), then four hex digits; the
 * DWord's bytes are in reading order. */
void aml_eisa_id(struct acpi_writer *w, const char id[7])
{
    uint32_t letters = (uint32_t)((id[0] - '@') << 10 | (id[1] - '@') << 5 | (id[2] - '@'));
    uint32_t product = 0;

    for (unsigned i = 3; i < 7; i++) {
        char c = id[i];
        product = product << 4 | (uint32_t)(c <= '9' ? c - '0' : c - 'A' + 10);
    }
    acpi_put(w, AML_DWORD, 1);
    acpi_put(w, letters >> 8, 1);
    acpi_put(w, letters & 0xff, 1);
    acpi_put(w, product >> 8, 1);
    acpi_put(w, product & 0xff, 1);
}

uint32_t aml_open(struct acpi_writer *w, const uint8_t *opcode, unsigned opcode_length)
{
    for (unsigned i = 0; i < opcode_length; i++)
        acpi_put(w, opcode[i], 1);
    acpi_put(w, 0, 1); /* the PkgLength's first byte, filled by aml_close() */
    return w->length - 1;
}

/* How many bytes follow a PkgLength's first one for `content` bytes after
 * it (ACPI 6.5, 20.2.4): none up to 63 in all, else up to three. */
static unsigned pkg_length_extra_bytes(uint32_t content)
{
    if (content + 1 <= 0x3f)
        return 0;
    for (unsigned extra = 1; extra < 3; extra++) {
        if (content + 1 + extra < 1u << (4 + 8 * extra))
            return extra;
    }
    return 3;
}

void aml_close(struct acpi_writer *w, uint32_t open)
{
    uint32_t content = w->length - open - 1;
    unsigned extra = pkg_length_extra_bytes(content);
    uint32_t total = content + 1 + extra;

    if (w->overflow || w->capacity - w->length < extra) {
        w->overflow = true;
        return;
    }
    memmove(w->data + open + 1 + extra, w->data + open + 1, content);
    w->length += extra;
    if (!extra) {
        w->data[open] = (uint8_t)total;
        return;
    }
    w->data[open] = (uint8_t)(extra << 6 | (total & 0xf));
    for (unsigned i = 0; i < extra; i++)
        w->data[open + 1 + i] = (uint8_t)(total >> (4 + 8 * i));
}
