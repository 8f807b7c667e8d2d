/* ptq.h - INT8 post-training quantization of a canonical float graph (docs/quantization.md):
 * calibration of activation ranges, per-channel weight scales, CLE and bias correction. */
#ifndef ODPU_QUANTIZER_PTQ_H
#define ODPU_QUANTIZER_PTQ_H

#include "common/err.h"
#include "quantizer/graph.h"

typedef enum odpu_calib_method {
    ODPU_CALIB_MINMAX = 0,
    ODPU_CALIB_PERCENTILE,  /* clip at the given percentile of |x| (histogram) */
    ODPU_CALIB_ENTROPY,     /* KL divergence between float and quantized histograms (TensorRT) */
    ODPU_CALIB_MSE          /* clip range minimizing the quantization mean squared error */
} odpu_calib_method;

typedef struct odpu_ptq_options {
    odpu_calib_method method;
    double percentile;        /* for PERCENTILE, e.g. 99.99 */
    int cross_layer_equalization;
    int bias_correction;
} odpu_ptq_options;

/* Defaults: mse calibration, CLE and bias correction on (docs/ptq.md has the measurements
 * behind the choice: entropy calibration clips ReLU6 tails too hard on the MobileNet-style
 * model). */
void odpu_ptq_default_options(odpu_ptq_options *o);
const char *odpu_calib_method_name(odpu_calib_method m);
/* "minmax", "percentile", "entropy", "mse" -> method; ODPU_E_ARG naming the choices. */
odpu_status odpu_calib_method_parse(const char *name, odpu_calib_method *m, odpu_err *err);

/* Quantize g in place: g must be canonical (odpu_graph_optimize). calib holds n_images
 * preprocessed inputs (graph input 0, NCHW float, back to back). Sets q on every activation
 * tensor (per-tensor asymmetric int8) and every CONV weight (per-channel symmetric), may
 * rescale weights (CLE) and adjust biases (bias correction). Empty calibration data is an
 * error. */
odpu_status odpu_ptq_quantize(odpu_graph *g, const float *calib, int n_images, const odpu_ptq_options *o,
                              odpu_err *err);

/* Write the quantized graph as a standard QDQ ONNX file (QuantizeLinear/DequantizeLinear
 * around every activation, int8 weights with per-channel DequantizeLinear). */
odpu_status odpu_qdq_export(const odpu_graph *g, const char *path, odpu_err *err);

/* Turn the Q/DQ nodes of an imported QDQ model (ours or another tool's) into q annotations
 * and float values, leaving a canonical-ready float graph whose quantization is fixed. */
odpu_status odpu_qdq_absorb(odpu_graph *g, odpu_err *err);

/* For a graph whose parameters came from a QDQ file (absorb, then odpu_graph_optimize): give
 * a MAXPOOL output without parameters its input's and a CONV the optimizer made (no weight
 * scales) s_w[o] = max |W[o]| / 127, then check what the engine needs: q on every activation
 * (the float softmax output excepted), per-channel scales on every CONV weight, equal
 * parameters across each MAXPOOL and CONCAT. Errors name the tensor or node. */
odpu_status odpu_ptq_complete_qdq(odpu_graph *g, odpu_err *err);

#endif
