/* preprocess.c - 8-bit HWC image -> a model's NCHW float input (see dataset.h): scale,
 * bilinear resize as torch.nn.functional.interpolate(mode="bilinear", align_corners=False),
 * channel replication, normalization. Float32 arithmetic in PyTorch's order, so the result
 * matches the zoo's training scripts to rounding. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/dataset.h"

enum {
    PRE_CHANNELS_MAX = 4,   /* mean[] / std[] entries */
    PRE_SIDE_MAX = 16384,   /* same bound as the dataset loader's image sides */
    RGB_CHANNELS = 3,
};

/* ITU-R BT.601 luma weights in 16-bit fixed point, rounded: the conversion PIL's
 * Image.convert("L") (and so torchvision's Grayscale) applies to RGB images. */
enum { LUMA_R = 19595, LUMA_G = 38470, LUMA_B = 7471, LUMA_SHIFT = 16, LUMA_HALF = 1 << 15 };

static odpu_status check_params(const odpu_preprocess *p, int h, int w, int c, odpu_err *err)
{
    if (p->out_h < 1 || p->out_w < 1 || p->out_h > PRE_SIDE_MAX || p->out_w > PRE_SIDE_MAX)
        return odpu_fail(err, ODPU_E_ARG, "preprocess: output size %dx%d is not in [1, %d]", p->out_h,
                         p->out_w, PRE_SIDE_MAX);
    if (p->out_c < 1 || p->out_c > PRE_CHANNELS_MAX)
        return odpu_fail(err, ODPU_E_ARG, "preprocess: %d output channels, expected 1 to %d", p->out_c,
                         PRE_CHANNELS_MAX);
    if (h < 1 || w < 1 || h > PRE_SIDE_MAX || w > PRE_SIDE_MAX)
        return odpu_fail(err, ODPU_E_ARG, "preprocess: image size %dx%d is not in [1, %d]", h, w,
                         PRE_SIDE_MAX);
    if (!(c == p->out_c || c == 1 || (c == RGB_CHANNELS && p->out_c == 1)))
        return odpu_fail(err, ODPU_E_ARG,
                         "preprocess: cannot turn a %d-channel image into the model's %d channels", c,
                         p->out_c);
    if (!p->resize && (h != p->out_h || w != p->out_w))
        return odpu_fail(err, ODPU_E_ARG,
                         "preprocess: image is %dx%d but the model takes %dx%d and its preprocessing "
                         "does not resize",
                         h, w, p->out_h, p->out_w);
    if (!(isfinite(p->scale) && p->scale > 0))
        return odpu_fail(err, ODPU_E_ARG, "preprocess: scale %g is not a positive number", (double)p->scale);
    for (int k = 0; k < p->out_c; k++)
        if (!isfinite(p->mean[k]) || !(isfinite(p->std[k]) && p->std[k] > 0))
            return odpu_fail(err, ODPU_E_ARG, "preprocess: channel %d has mean %g, std %g (std must be > 0)",
                             k, (double)p->mean[k], (double)p->std[k]);
    return ODPU_OK;
}

/* One source channel as scaled floats: plane[y*w + x] = pixel * scale (torch: x.float() * scale).
 * For an RGB image feeding a 1-channel model, the channel is the image's luma. */
static void source_plane(const uint8_t *hwc, int h, int w, int c, int ch, int to_gray, float scale,
                         float *plane)
{
    size_t n = (size_t)h * (size_t)w;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *px = hwc + i * (size_t)c;
        uint32_t v;
        if (to_gray)
            v = (LUMA_R * (uint32_t)px[0] + LUMA_G * (uint32_t)px[1] + LUMA_B * (uint32_t)px[2] + LUMA_HALF) >>
                LUMA_SHIFT;
        else
            v = px[ch];
        plane[i] = (float)v * scale;
    }
}

/* Source index and weights of one output coordinate, as PyTorch's upsample kernels compute
 * them for align_corners=False: src = scale * (dst + 0.5) - 0.5 with scale = in / out,
 * negative src clamped to 0, the right neighbour clamped at the edge. */
typedef struct interp_tap {
    int i0, i1;
    float w0, w1;
} interp_tap;

static void interp_taps(int in, int out, interp_tap *taps)
{
    float scale = (float)in / (float)out;
    for (int d = 0; d < out; d++) {
        float src = scale * ((float)d + 0.5f) - 0.5f;
        if (src < 0)
            src = 0;
        int i0 = (int)src;
        if (i0 > in - 1)
            i0 = in - 1;
        float l1 = src - (float)i0;
        taps[d] = (interp_tap){i0, i0 < in - 1 ? i0 + 1 : i0, 1.0f - l1, l1};
    }
}

/* out[y][x] = wy0 * (wx0 * a + wx1 * b) + wy1 * (wx0 * c + wx1 * d), PyTorch's order. */
static void resize_plane(const float *src, int w, const interp_tap *ty, int out_h,
                         const interp_tap *tx, int out_w, float *dst)
{
    for (int y = 0; y < out_h; y++) {
        const float *r0 = src + (size_t)ty[y].i0 * (size_t)w;
        const float *r1 = src + (size_t)ty[y].i1 * (size_t)w;
        float *o = dst + (size_t)y * (size_t)out_w;
        for (int x = 0; x < out_w; x++) {
            const interp_tap *t = &tx[x];
            float top = r0[t->i0] * t->w0 + r0[t->i1] * t->w1;
            float bottom = r1[t->i0] * t->w0 + r1[t->i1] * t->w1;
            o[x] = top * ty[y].w0 + bottom * ty[y].w1;
        }
    }
}

odpu_status odpu_preprocess_image(const odpu_preprocess *p, const uint8_t *hwc, int h, int w, int c,
                                  float *nchw_out, odpu_err *err)
{
    odpu_status st = check_params(p, h, w, c, err);
    if (st != ODPU_OK)
        return st;
    size_t in_n = (size_t)h * (size_t)w, out_n = (size_t)p->out_h * (size_t)p->out_w;
    float *plane = malloc(in_n * sizeof *plane);
    interp_tap *ty = malloc((size_t)p->out_h * sizeof *ty);
    interp_tap *tx = malloc((size_t)p->out_w * sizeof *tx);
    if (!plane || !ty || !tx) {
        free(plane);
        free(ty);
        free(tx);
        return odpu_fail(err, ODPU_E_NOMEM, "preprocess: out of memory for a %dx%d image", h, w);
    }
    if (p->resize) {
        interp_taps(h, p->out_h, ty);
        interp_taps(w, p->out_w, tx);
    }
    int to_gray = c == RGB_CHANNELS && p->out_c == 1;
    for (int k = 0; k < p->out_c; k++) {
        float *out = nchw_out + (size_t)k * out_n;
        /* A gray image feeds every output channel; otherwise channel k feeds channel k. */
        source_plane(hwc, h, w, c, c == 1 || to_gray ? 0 : k, to_gray, p->scale, plane);
        if (p->resize)
            resize_plane(plane, w, ty, p->out_h, tx, p->out_w, out);
        else
            memcpy(out, plane, out_n * sizeof *out);
        for (size_t i = 0; i < out_n; i++)
            out[i] = (out[i] - p->mean[k]) / p->std[k];
    }
    free(plane);
    free(ty);
    free(tx);
    return ODPU_OK;
}
