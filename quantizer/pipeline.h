/* pipeline.h - from an ONNX file (float or QDQ) and calibration images to the quantized
 * canonical graph: the one sequence `opendpu compile`, `quantize` and `eval` share. */
#ifndef ODPU_QUANTIZER_PIPELINE_H
#define ODPU_QUANTIZER_PIPELINE_H

#include "common/err.h"
#include "data/dataset.h"
#include "data/meta.h"
#include "quantizer/graph.h"
#include "quantizer/ptq.h"

/* Calibration images taken when the dataset spec has no "@N" (a few hundred suffice for
 * per-tensor ranges; more mostly costs time). */
enum { ODPU_DEFAULT_CALIB_IMAGES = 300 };

typedef struct odpu_pipeline_options {
    const char *calib_spec;      /* dataset spec (data/dataset.h); NULL is allowed for QDQ models only */
    int calib_images;            /* images used when the spec has no "@N"; 0 = the default */
    const char *meta_path;       /* model.yaml; NULL = model.yaml next to the ONNX file */
    const odpu_preprocess *pre;  /* explicit preprocessing, overriding the YAML's; may be NULL */
    odpu_ptq_options ptq;
    int keep_fp32;               /* also produce the canonical float graph */
} odpu_pipeline_options;

typedef struct odpu_pipeline {
    odpu_graph quant;            /* canonical, every activation and CONV weight quantized */
    odpu_graph fp32;             /* canonical float graph (keep_fp32), same weights as the ONNX */
    int has_fp32;
    odpu_model_meta meta;        /* the model.yaml read, when one was */
    int has_meta;
    odpu_preprocess pre;         /* the preprocessing the calibration used (zeroed for QDQ input) */
    int qdq_input;               /* the file was already quantized: its parameters were kept */
    int calib_count;             /* calibration images used (0 for QDQ input) */
} odpu_pipeline;

void odpu_pipeline_default_options(odpu_pipeline_options *o);

/* Import, optimize and quantize. A QDQ file (any QuantizeLinear/DequantizeLinear node) is
 * absorbed instead of calibrated. Errors name the file: no calibration data for a float
 * model, an empty set, images whose size or channel count the preprocessing cannot turn into
 * the model's input, labels outside the model's classes, a model.yaml whose input shape
 * disagrees with the ONNX input, and everything import, optimize and PTQ report. */
odpu_status odpu_pipeline_run(const char *onnx_path, const odpu_pipeline_options *o, odpu_pipeline *out,
                              odpu_err *err);
void odpu_pipeline_free(odpu_pipeline *p);

#endif
