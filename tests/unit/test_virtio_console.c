/* dom0's virtio console (guests/dom0/virtio_console.c) through the real
 * virtqueue walker, on a fake guest RAM a driver fills in: its output
 * becomes lines, typed bytes fill its receive buffers, and chains no
 * driver should make are put back without harm. */
#include <criterion/criterion.h>
#include <string.h>

#include "guests/dom0/virtio_console.h"

#define RAM_SIZE   0x20000u
#define QUEUE_SIZE 8u
#define DESC       0x1000u
#define AVAIL      0x2000u
#define USED       0x3000u
#define DATA       0x8000u

#define FAKE_RAM_SIZE RAM_SIZE
#include "tests/fake_guest_ram.h"

static struct virtqueue queue;
static struct virtio_console console;
static uint16_t avail_idx;
static char printed[8][MODEL_LINE_MAX + 1];
static unsigned printed_count;

static void print(void *context, const char *line)
{
    (void)context;
    cr_assert_lt(printed_count, 8);
    strcpy(printed[printed_count++], line);
}

static void setup(void)
{
    static const struct virtqueue_layout layout = {QUEUE_SIZE, DESC, AVAIL, USED};

    memset(fake_ram, 0, sizeof(fake_ram));
    memset(&console, 0, sizeof(console));
    avail_idx = 0;
    printed_count = 0;
    cr_assert_eq(virtqueue_setup(&queue, &fake_ram_access, &layout, 1u << 20), VIRTQUEUE_SETUP_OK);
}

TestSuite(virtio_console, .init = setup);

static void set_desc(uint16_t index, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    struct virtq_desc d = {addr, len, flags, next};

    memcpy(fake_ram + DESC + index * sizeof(d), &d, sizeof(d));
}

static void make_available(uint16_t head)
{
    uint16_t slot = avail_idx % QUEUE_SIZE;

    memcpy(fake_ram + AVAIL + 4 + slot * 2, &head, 2);
    avail_idx++;
    memcpy(fake_ram + AVAIL + 2, &avail_idx, 2);
}

static uint16_t used_idx(void)
{
    uint16_t idx;

    memcpy(&idx, fake_ram + USED + 2, 2);
    return idx;
}

static uint32_t used_length(unsigned slot)
{
    uint32_t length;

    memcpy(&length, fake_ram + USED + 4 + slot * 8 + 4, 4);
    return length;
}

Test(virtio_console, output_becomes_lines)
{
    memcpy(fake_ram + DATA, "hello hvc0\r\nsecond", 18);
    memcpy(fake_ram + DATA + 0x100, " line\n\x01", 7);
    set_desc(0, DATA, 18, VIRTQ_DESC_F_NEXT, 1);
    set_desc(1, DATA + 0x100, 7, 0, 0);
    make_available(0);
    cr_expect_eq(virtio_console_transmit(&queue, &console, print, 0), 1);
    cr_expect_eq(used_idx(), 1);
    cr_assert_eq(printed_count, 2);
    cr_expect_str_eq(printed[0], "hello hvc0");
    cr_expect_str_eq(printed[1], "second line");
    cr_expect_eq(console.line.length, 1); /* the control byte waits, shown as '?' */
    cr_expect_eq(console.line.text[0], '?');
}

Test(virtio_console, a_long_line_is_cut)
{
    memset(fake_ram + DATA, 'x', 300);
    set_desc(0, DATA, 300, 0, 0);
    make_available(0);
    virtio_console_transmit(&queue, &console, print, 0);
    cr_expect_eq(printed_count, 2);
    cr_expect_eq(strlen(printed[0]), MODEL_LINE_MAX);
}

Test(virtio_console, output_outside_ram_is_refused)
{
    set_desc(0, RAM_SIZE - 4, 16, 0, 0);        /* runs past the end of RAM */
    set_desc(1, DATA, 4, VIRTQ_DESC_F_NEXT, 1); /* a loop */
    make_available(0);
    make_available(1);
    cr_expect_eq(virtio_console_transmit(&queue, &console, print, 0), 2);
    cr_expect_eq(used_idx(), 2);
    cr_expect_eq(printed_count, 0);
    cr_expect_eq(console.line.length, 0);
}

Test(virtio_console, typed_bytes_fill_the_receive_buffers)
{
    set_desc(0, DATA, 4, VIRTQ_DESC_F_WRITE, 0);
    set_desc(1, DATA + 0x100, 64, VIRTQ_DESC_F_WRITE, 0);
    make_available(0);
    make_available(1);
    for (const char *c = "typed\n"; *c; c++)
        cr_assert(virtio_console_type(&console, (uint8_t)*c));
    cr_expect_eq(virtio_console_receive(&queue, &console), 2);
    cr_expect_eq(used_idx(), 2);
    cr_expect_eq(used_length(0), 4);
    cr_expect_eq(used_length(1), 2);
    cr_expect_eq(memcmp(fake_ram + DATA, "type", 4), 0);
    cr_expect_eq(memcmp(fake_ram + DATA + 0x100, "d\n", 2), 0);
    cr_expect_eq(console.input_length, 0);
}

Test(virtio_console, input_waits_for_a_buffer_and_is_bounded)
{
    for (unsigned i = 0; i < VIRTIO_CONSOLE_INPUT_MAX; i++)
        cr_assert(virtio_console_type(&console, 'a'));
    cr_expect_not(virtio_console_type(&console, 'b'));
    cr_expect_eq(virtio_console_receive(&queue, &console), 0);
    cr_expect_eq(console.input_length, VIRTIO_CONSOLE_INPUT_MAX);
    /* A readable buffer is not the device's to write: put back empty. */
    set_desc(0, DATA, 16, 0, 0);
    make_available(0);
    cr_expect_eq(virtio_console_receive(&queue, &console), 1);
    cr_expect_eq(used_length(0), 0);
    cr_expect_eq(fake_ram[DATA], 0);
    cr_expect_eq(console.input_length, VIRTIO_CONSOLE_INPUT_MAX);
}
