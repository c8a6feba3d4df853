#include <criterion/criterion.h>
#include <string.h>

#include "drivers/fbcon.h"

#define W      32 /* four columns */
#define H      32 /* two rows */
#define STRIDE 40

static uint32_t pixels[STRIDE * H];
static uint8_t font[256 * 16];

/* Glyph 'A' is a solid block, glyph 'B' the top row only. */
static void setup(void)
{
    memset(font, 0, sizeof(font));
    memset(font + 'A' * 16, 0xff, 16);
    font['B' * 16] = 0xff;
}

TestSuite(fbcon, .init = setup);

static uint32_t at(unsigned x, unsigned y)
{
    return pixels[y * STRIDE + x];
}

Test(fbcon, draws_glyphs_in_cells)
{
    struct fbcon con;
    fbcon_init(&con, pixels, W, H, STRIDE, 0, font);
    cr_assert_eq(con.columns, 4);
    cr_assert_eq(con.rows, 2);
    fbcon_write(&con, "AB", 2);
    cr_assert_eq(at(0, 0), con.foreground);
    cr_assert_eq(at(7, 15), con.foreground);
    cr_assert_eq(at(8, 0), con.foreground, "B's top row");
    cr_assert_eq(at(8, 1), con.background);
    cr_assert_eq(at(16, 0), con.background, "third cell empty");
    cr_assert_eq(at(W, 0), 0, "the stride padding is never touched");
}

Test(fbcon, newline_wraps_and_scrolls)
{
    struct fbcon con;
    fbcon_init(&con, pixels, W, H, STRIDE, 0, font);
    fbcon_write(&con, "A\nB\nA", 5);
    /* After the scroll: row 0 holds "B", row 1 holds "A". */
    cr_assert_eq(at(0, 0), con.foreground);
    cr_assert_eq(at(0, 1), con.background);
    cr_assert_eq(at(0, 16), con.foreground);
    cr_assert_eq(at(0, 31), con.foreground);
    cr_assert_eq(con.row, 1);
}

Test(fbcon, long_lines_wrap)
{
    struct fbcon con;
    fbcon_init(&con, pixels, W, H, STRIDE, 0, font);
    fbcon_write(&con, "AAAAA", 5);
    cr_assert_eq(con.row, 1);
    cr_assert_eq(con.column, 1);
    cr_assert_eq(at(0, 16), con.foreground);
}

Test(fbcon, colour_order_follows_the_format)
{
    struct fbcon rgb, bgr;
    fbcon_init(&rgb, pixels, W, H, STRIDE, 1, font);
    fbcon_init(&bgr, pixels, W, H, STRIDE, 0, font);
    cr_assert_neq(rgb.background, bgr.background);
}

Test(fbcon, backspace_steps_back_for_a_rubout)
{
    struct fbcon con;
    fbcon_init(&con, pixels, W, H, STRIDE, 0, font);
    fbcon_write(&con, "AA\b \b", 5); /* a shell rubbing out the second A */
    cr_assert_eq(con.column, 1);
    cr_assert_eq(at(0, 15), con.foreground, "the first A stays");
    cr_assert_eq(at(8, 15), con.background, "the second is blanked");
    fbcon_write(&con, "\b\b\b", 3);
    cr_assert_eq(con.column, 0, "never before the start of the row");
    cr_assert_eq(con.row, 0);
}

/* A cell whose character stays is not drawn again when the text scrolls:
 * the framebuffer is written only where the picture changes, never read. */
Test(fbcon, scrolling_redraws_only_the_cells_that_change)
{
    struct fbcon con;
    fbcon_init(&con, pixels, W, H, STRIDE, 0, font);
    fbcon_write(&con, "AB\nAA", 5);
    const uint32_t marker = 0x12345678;
    pixels[0] = marker;     /* cell (0, 0): 'A' now and after the scroll */
    pixels[8 + 1] = marker; /* cell (0, 1): 'B' now, 'A' after the scroll */
    fbcon_write(&con, "\n", 1);
    cr_assert_eq(at(0, 0), marker, "an unchanged cell is left alone");
    cr_assert_eq(at(9, 0), con.foreground, "a changed cell is drawn");
    cr_assert_eq(at(9, 15), con.foreground, "with its new glyph, 'A'");
    cr_assert_eq(at(0, 16), con.background, "the last row is emptied");
}

Test(fbcon, a_screen_larger_than_the_cells_gets_its_top_left_part)
{
    enum { WIDE = 8 * (FBCON_MAX_COLUMNS + 20) };
    static uint32_t wide[WIDE * 16];
    static struct fbcon con; /* its cells are large for a stack */
    fbcon_init(&con, wide, WIDE, 16, WIDE, 0, font);
    cr_assert_eq(con.columns, FBCON_MAX_COLUMNS);
    cr_assert_eq(con.rows, 1);
    cr_assert_eq(wide[WIDE - 1], 0, "right of the cells nothing is drawn");
}

Test(fbcon, backspace_goes_back_over_a_wrap)
{
    struct fbcon con;
    fbcon_init(&con, pixels, W, H, STRIDE, 0, font);
    fbcon_write(&con, "AAAAA\b\b ", 8); /* the fifth A wrapped to row 1 */
    cr_assert_eq(con.row, 0);
    cr_assert_eq(con.column, 4, "past the blanked last cell of row 0");
    cr_assert_eq(at(3 * 8, 15), con.background, "the fourth A is rubbed out");
    cr_assert_eq(at(2 * 8, 15), con.foreground, "the third stays");
}
