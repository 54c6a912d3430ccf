/*
 * icondraw.c: each state's notification icon from a few shapes
 * (icondraw.h).
 *
 * Why drawn and not stored: the tray wants the small-icon size of the
 * monitor's DPI, 16 px at 100 % up to 64 px at 400 % with 20, 24, 28, 40
 * and more between. Five .ico files of seven PNG frames each were 51 KB of
 * climon.exe (issue 16.4: the agent under 200 KB) and still had no frame
 * for 28 or 36 px, which Windows then scaled. A disc, a ring and a stroke
 * or two are drawn here at exactly the size asked for in well under a
 * millisecond. The program's own icon (Explorer, the MSI) stays a file.
 *
 * Each pixel is the mean of SUB x SUB samples, every sample taking the
 * topmost shape it falls in (shadow, disc, ring, symbol); the mean is
 * taken premultiplied and returned straight, as an icon's DIB wants.
 * Squared distances only: no libm.
 */
#include "climon/icondraw.h"

#include <stddef.h>

#define SUB 4
#define HALF_STROKE 13.0f /* the symbol's stroke, 26 units wide */

enum shape_kind { SHAPE_NONE = 0, SHAPE_STROKE, SHAPE_RING, SHAPE_ARC, SHAPE_TRIANGLE, SHAPE_DOT };

/* In the 256-unit square. STROKE: a segment x0,y0-x1,y1 with round ends.
 * RING: centre x0,y0, radius x1 (a circle stroked, not filled). ARC: the
 * same ring with a gap from direction (v[3],v[4]) turning clockwise to
 * (v[5],v[6]), each times 1000; the gap is less than a half turn and its
 * ends are square. TRIANGLE: three corners, filled. DOT: centre x0,y0,
 * radius x1, filled. */
typedef struct shape {
    unsigned char kind;
    short v[7];
} shape;

typedef struct look {
    uint32_t colour;
    shape shapes[3];
} look;

/* Index: agent_icon. Shapes and colours as scripts/make-icons has them
 * (the colours' contrast is argued in docs/agent.md, "For every user"). */
static const look looks[] = {
    [AGENT_ICON_UP_TO_DATE] = {0x2e8b3d,
                               {{SHAPE_STROKE, {72, 134, 112, 174}},
                                {SHAPE_STROKE, {112, 174, 186, 92}}}},
    /* An arc of 270 degrees, its gap from 110 to 200 degrees (clockwise
     * from three o'clock), and an arrowhead. */
    [AGENT_ICON_CHECKING] = {0x2a6fd0,
                             {{SHAPE_ARC, {128, 128, 58, -342, 940, -940, -342}},
                              {SHAPE_TRIANGLE, {150, 50, 200, 86, 140, 104}}}},
    [AGENT_ICON_REQUEST_PENDING] = {0xa87000,
                                    {{SHAPE_RING, {128, 128, 62}},
                                     {SHAPE_STROKE, {128, 92, 128, 128}},
                                     {SHAPE_STROKE, {128, 128, 158, 148}}}},
    [AGENT_ICON_ACTION_NEEDED] = {0xe06414,
                                  {{SHAPE_STROKE, {128, 68, 128, 142}},
                                   {SHAPE_DOT, {128, 184, 16}}}},
    [AGENT_ICON_ERROR] = {0xc62828,
                          {{SHAPE_STROKE, {84, 84, 172, 172}}, {SHAPE_STROKE, {172, 84, 84, 172}}}},
};

#define LOOKS (sizeof looks / sizeof looks[0])

static float sq(float v)
{
    return v * v;
}

static int near_segment(float x, float y, const short *v)
{
    float ax = v[0], ay = v[1], dx = (float)(v[2] - v[0]), dy = (float)(v[3] - v[1]);
    float len2 = dx * dx + dy * dy;
    float t = len2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / len2 : 0;

    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return sq(x - (ax + t * dx)) + sq(y - (ay + t * dy)) <= sq(HALF_STROKE);
}

static int on_ring(float x, float y, const short *v)
{
    float d2 = sq(x - v[0]) + sq(y - v[1]);

    return d2 >= sq(v[2] - HALF_STROKE) && d2 <= sq(v[2] + HALF_STROKE);
}

static int in_gap(float x, float y, const short *v)
{
    float px = x - v[0], py = y - v[1];

    /* Clockwise on screen (y down) is the positive turn: p lies in the gap
     * when it is turned from its start and not yet past its end. */
    return (float)v[3] * py - (float)v[4] * px >= 0 && px * (float)v[6] - py * (float)v[5] >= 0;
}

static float edge(float x, float y, int ax, int ay, int bx, int by)
{
    return (float)(bx - ax) * (y - (float)ay) - (float)(by - ay) * (x - (float)ax);
}

static int in_triangle(float x, float y, const short *v)
{
    float a = edge(x, y, v[0], v[1], v[2], v[3]);
    float b = edge(x, y, v[2], v[3], v[4], v[5]);
    float c = edge(x, y, v[4], v[5], v[0], v[1]);

    return (a >= 0 && b >= 0 && c >= 0) || (a <= 0 && b <= 0 && c <= 0);
}

static int in_shape(float x, float y, const shape *s)
{
    switch (s->kind) {
    case SHAPE_STROKE:
        return near_segment(x, y, s->v);
    case SHAPE_RING:
        return on_ring(x, y, s->v);
    case SHAPE_ARC:
        return on_ring(x, y, s->v) && !in_gap(x, y, s->v);
    case SHAPE_TRIANGLE:
        return in_triangle(x, y, s->v);
    case SHAPE_DOT:
        return sq(x - s->v[0]) + sq(y - s->v[1]) <= sq(s->v[2]);
    }
    return 0;
}

/* One sample: its colour (0xRRGGBB) and alpha (0..255). The disc has
 * radius 114 and a white ring 10 units wide on its edge; the shadow is
 * the disc's size a little lower right, black at a quarter. */
static unsigned sample(const look *l, float x, float y, uint32_t *rgb)
{
    float d2 = sq(x - 128) + sq(y - 128);

    if (d2 <= sq(119)) {
        *rgb = 0xffffff;
        if (d2 >= sq(109))
            return 255;
        for (size_t i = 0; i < sizeof l->shapes / sizeof l->shapes[0]; i++)
            if (in_shape(x, y, &l->shapes[i]))
                return 255;
        *rgb = l->colour;
        return 255;
    }
    *rgb = 0;
    return sq(x - 132) + sq(y - 136) <= sq(120) ? 64 : 0;
}

uint32_t icondraw_colour(agent_icon icon)
{
    return (unsigned)icon < LOOKS ? looks[icon].colour : 0;
}

int icondraw_render(agent_icon icon, int size, uint32_t *px)
{
    if ((unsigned)icon >= LOOKS || size < ICONDRAW_MIN || size > ICONDRAW_MAX || !px)
        return -1;
    const look *l = &looks[icon];
    float step = 256.0f / (float)(size * SUB);

    for (int row = 0; row < size; row++) {
        for (int col = 0; col < size; col++) {
            uint32_t sum[3] = {0, 0, 0}, alpha = 0, rgb, out = 0;

            for (int sy = 0; sy < SUB; sy++) {
                for (int sx = 0; sx < SUB; sx++) {
                    float x = ((float)(col * SUB + sx) + 0.5f) * step;
                    float y = ((float)(row * SUB + sy) + 0.5f) * step;
                    unsigned a = sample(l, x, y, &rgb);

                    alpha += a;
                    sum[0] += ((rgb >> 16) & 0xff) * a;
                    sum[1] += ((rgb >> 8) & 0xff) * a;
                    sum[2] += (rgb & 0xff) * a;
                }
            }
            if (alpha) {
                out = (alpha + SUB * SUB / 2) / (SUB * SUB) << 24;
                for (int c = 0; c < 3; c++)
                    out |= ((sum[c] + alpha / 2) / alpha) << (16 - 8 * c);
            }
            px[(size_t)row * (size_t)size + (size_t)col] = out;
        }
    }
    return 0;
}
