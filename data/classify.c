/* classify.c - input quantization, output dequantization, softmax and top-k (see classify.h). */
#include "data/classify.h"

#include <math.h>

odpu_status odpu_quantize_input(const float *nchw, int c, int h, int w, float scale, int32_t zero_point,
                                int8_t *hwc, odpu_err *err)
{
    if (!(isfinite(scale) && scale > 0))
        return odpu_fail(err, ODPU_E_ARG, "input quantization: scale %g is not a positive number",
                         (double)scale);
    if (zero_point < INT8_MIN || zero_point > INT8_MAX)
        return odpu_fail(err, ODPU_E_ARG, "input quantization: zero point %d is outside [-128, 127]",
                         (int)zero_point);
    size_t plane = (size_t)h * (size_t)w;
    for (size_t i = 0; i < plane; i++)
        for (int k = 0; k < c; k++) {
            /* nearbyintf rounds half to even in the default rounding mode, as QuantizeLinear. */
            float r = nearbyintf(nchw[(size_t)k * plane + i] / scale) + (float)zero_point;
            int8_t q;
            if (!(r > INT8_MIN)) /* also NaN: the lowest code, never undefined behaviour */
                q = INT8_MIN;
            else if (r > INT8_MAX)
                q = INT8_MAX;
            else
                q = (int8_t)r;
            hwc[i * (size_t)c + (size_t)k] = q;
        }
    return ODPU_OK;
}

void odpu_dequantize(const int8_t *q, size_t n, float scale, int32_t zero_point, float *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = scale * (float)((int32_t)q[i] - zero_point);
}

void odpu_softmax(const float *x, int n, float *out)
{
    if (n < 1)
        return;
    float max = x[0];
    for (int i = 1; i < n; i++)
        if (x[i] > max)
            max = x[i];
    double sum = 0;
    for (int i = 0; i < n; i++) {
        out[i] = expf(x[i] - max);
        sum += out[i];
    }
    for (int i = 0; i < n; i++)
        out[i] = (float)(out[i] / sum);
}

int odpu_argmax(const float *x, int n)
{
    int best = -1;
    for (int i = 0; i < n; i++)
        if (!isnan(x[i]) && (best < 0 || x[i] > x[best]))
            best = i;
    return n > 0 && best < 0 ? 0 : best;
}

void odpu_top_k(const float *x, int n, int k, int *idx)
{
    if (k > n)
        k = n;
    /* Selection by insertion: k and n are class counts (tens to a thousand). */
    int filled = 0;
    for (int i = 0; i < n; i++) {
        float v = isnan(x[i]) ? -INFINITY : x[i];
        int pos = filled;
        while (pos > 0) {
            float u = isnan(x[idx[pos - 1]]) ? -INFINITY : x[idx[pos - 1]];
            if (!(v > u))
                break;
            pos--;
        }
        if (pos >= k)
            continue;
        int last = filled < k ? filled : k - 1;
        for (int j = last; j > pos; j--)
            idx[j] = idx[j - 1];
        idx[pos] = i;
        if (filled < k)
            filled++;
    }
}
