#include "drivers/fbcon.h"

#define GLYPH_WIDTH  8
#define GLYPH_HEIGHT 16

static uint32_t fbcon_colour(int red_first, uint8_t r, uint8_t g, uint8_t b)
{
    return red_first ? (uint32_t)r | (uint32_t)g << 8 | (uint32_t)b << 16
                     : (uint32_t)b | (uint32_t)g << 8 | (uint32_t)r << 16;
}

static void fbcon_clear_rows(struct fbcon *con, uint32_t first_row, uint32_t count)
{
    for (uint32_t y = first_row * GLYPH_HEIGHT; y < (first_row + count) * GLYPH_HEIGHT; y++) {
        uint32_t *line = con->pixels + (uint64_t)y * con->pixels_per_row;
        for (uint32_t x = 0; x < con->columns * GLYPH_WIDTH; x++)
            line[x] = con->background;
    }
}

void fbcon_init(struct fbcon *con, uint32_t *pixels, uint32_t width, uint32_t height,
                uint32_t pixels_per_row, int red_first, const uint8_t *font)
{
    con->pixels = pixels;
    con->width = width;
    con->height = height;
    con->pixels_per_row = pixels_per_row;
    con->columns = width / GLYPH_WIDTH;
    con->rows = height / GLYPH_HEIGHT;
    con->column = 0;
    con->row = 0;
    con->foreground = fbcon_colour(red_first, 0xd0, 0xd0, 0xd0);
    con->background = fbcon_colour(red_first, 0x10, 0x18, 0x30);
    con->font = font;
    fbcon_clear_rows(con, 0, con->rows);
}

static void fbcon_draw_glyph(struct fbcon *con, unsigned char c)
{
    const uint8_t *glyph = con->font + (unsigned)c * GLYPH_HEIGHT;
    uint32_t *origin = con->pixels + (uint64_t)con->row * GLYPH_HEIGHT * con->pixels_per_row +
                       con->column * GLYPH_WIDTH;

    for (unsigned y = 0; y < GLYPH_HEIGHT; y++) {
        uint32_t *line = origin + (uint64_t)y * con->pixels_per_row;
        for (unsigned x = 0; x < GLYPH_WIDTH; x++)
            line[x] = (glyph[y] & (0x80 >> x)) ? con->foreground : con->background;
    }
}

/* Moving the whole picture up is costly on a framebuffer; the log is short,
 * so scrolling by one text row at a time is good enough. */
static void fbcon_scroll(struct fbcon *con)
{
    uint64_t row_pixels = (uint64_t)GLYPH_HEIGHT * con->pixels_per_row;
    uint64_t *dest = (uint64_t *)con->pixels;
    const uint64_t *src = (const uint64_t *)(con->pixels + row_pixels);
    uint64_t words = (con->rows - 1) * row_pixels / 2;

    for (uint64_t i = 0; i < words; i++)
        dest[i] = src[i];
    fbcon_clear_rows(con, con->rows - 1, 1);
}

static void fbcon_newline(struct fbcon *con)
{
    con->column = 0;
    if (con->row + 1 < con->rows)
        con->row++;
    else
        fbcon_scroll(con);
}

void fbcon_write(struct fbcon *con, const char *text, unsigned len)
{
    if (!con->pixels || !con->columns || !con->rows)
        return;
    for (unsigned i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n') {
            fbcon_newline(con);
            continue;
        }
        if (c == '\r')
            continue;
        if (c == '\b') { /* back over the last character: a shell's rubout */
            if (con->column)
                con->column--;
            continue;
        }
        if (con->column >= con->columns)
            fbcon_newline(con);
        fbcon_draw_glyph(con, c);
        con->column++;
    }
}
