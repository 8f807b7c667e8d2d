/* meta.h - what a model zoo entry says about its model (models/NAME/model.yaml): ONNX file,
 * input shape, preprocessing, class labels, reference files, published accuracy; and the
 * part of it a compiled model carries in its META section so `opendpu run` can use it. */
#ifndef ODPU_DATA_META_H
#define ODPU_DATA_META_H

#include "common/err.h"
#include "data/dataset.h"

/* model.yaml:
 *   name: mnist_cnn
 *   onnx: mnist_cnn.onnx                       (relative to the YAML's folder)
 *   dataset: fashion-mnist                      (optional)
 *   input: {channels: 1, height: 28, width: 28}
 *   preprocess: {resize: none|bilinear, scale: 0.0039215686, mean: [0.2860], std: [0.3530]}
 *   labels: [T-shirt/top, Trouser, ...]
 *   reference: {inputs: F.f32, outputs: F.f32, count: 8}                    (optional)
 *   accuracy: {fp32_top1: 91.2, fx_int8_top1: 90.9, test_images: 10000,
 *              calib_images: 300}                                           (optional; the
 *              percentages may be null)
 *   training: {...}  params: N  macs: N                                     (optional)
 * mean and std hold one value per input channel, or one value for all of them. Keys under
 * `training` are not interpreted; any other unknown key is an error. */
typedef struct odpu_model_meta {
    char *name;
    char *onnx_path;          /* resolved against the YAML's folder; NULL from META text */
    char *dataset;            /* NULL when not given */
    int in_c, in_h, in_w;
    odpu_preprocess pre;      /* out_c/out_h/out_w = in_c/in_h/in_w */
    int n_labels;
    char **labels;
    char *ref_inputs, *ref_outputs; /* resolved paths; NULL when there is no reference */
    int ref_count;
    int has_fp32_top1, has_fx_int8_top1;
    double fp32_top1, fx_int8_top1; /* percent */
    int test_images, calib_images;  /* 0 when not given */
    long long params, macs;          /* 0 when not given */
} odpu_model_meta;

/* Read and check a model.yaml. Errors read "FILE:LINE: KEY: what is wrong". */
odpu_status odpu_meta_load(const char *yaml_path, odpu_model_meta *m, odpu_err *err);
/* The same from memory; dir is the folder relative paths are resolved against. */
odpu_status odpu_meta_parse(const char *text, size_t len, const char *source_name, const char *dir,
                            odpu_model_meta *m, odpu_err *err);
void odpu_meta_free(odpu_model_meta *m);

/* The META lines of a compiled model: name, dataset, input shape, preprocessing and labels
 * as "key=value\n" lines (floats printed so that they read back bit-exactly). Malloc'ed. */
odpu_status odpu_meta_to_text(const odpu_model_meta *m, char **text, odpu_err *err);
/* Read those lines back (from odpu_model.meta). Lines with other keys (producer=, ...) are
 * ignored; missing or malformed keys are errors naming source_name and the line. Fills
 * name, dataset, input, pre and labels; the other fields stay empty. */
odpu_status odpu_meta_from_text(const char *text, const char *source_name, odpu_model_meta *m,
                                odpu_err *err);

#endif
