/* dataset.h - labelled images for calibration and evaluation, and the preprocessing that
 * turns them into a model's float input (the same steps the zoo's training scripts use). */
#ifndef ODPU_DATA_DATASET_H
#define ODPU_DATA_DATASET_H

#include <stdint.h>

#include "common/err.h"

/* Labelled 8-bit HWC images. IDX sets have one size; folder images keep their own size
 * (preprocessing resizes them). */
typedef struct odpu_dataset {
    int count;
    int n_classes;
    char **class_names;   /* n_classes names (folder names, or the dataset's labels) */
    int *labels;          /* count labels in [0, n_classes) */
    /* Per image: size and pixels. For IDX sets every image has the same size. */
    int *heights, *widths, *channels;
    uint8_t **pixels;     /* count pointers to h*w*c bytes, HWC */
    char *source;         /* the spec it was opened from, for messages */
    uint8_t *pixel_block; /* IDX sets: the one allocation pixels[] point into; NULL for
                           * folders, whose images are allocated one by one */
} odpu_dataset;

/* Open a dataset spec:
 *   fashion-mnist:train | fashion-mnist:test   Debian's dataset-fashion-mnist (IDX, gzip,
 *                                               /usr/share/datasets/fashion-mnist, or the
 *                                               folder in $ODPU_FASHION_MNIST_DIR)
 *   idx:IMAGES,LABELS                           any IDX pair (gzip or plain)
 *   DIR                                         one subfolder per class, PNG/JPEG (stb_image)
 * An optional "@N" suffix keeps the first N images (e.g. fashion-mnist:train@300); asking
 * for more images than the set holds is an error. Folder images are read as gray (1
 * channel) when the file is gray or gray+alpha, else as RGB (3 channels); files whose names
 * do not end in .png, .jpg or .jpeg are skipped, and classes and files are taken in byte
 * order of their names. A generic IDX set has max(label) + 1 classes named "0", "1", ...
 * Errors name the file and what is wrong (bad magic, count mismatch, label out of range,
 * unreadable image, empty set). */
odpu_status odpu_dataset_open(const char *spec, odpu_dataset *ds, odpu_err *err);
void odpu_dataset_free(odpu_dataset *ds);

/* One PNG or JPEG file (stb_image), as the folder sets read it: 8-bit HWC, c = 1 for gray
 * (and gray+alpha) files, else 3 (alpha dropped). Free with odpu_image_free. */
odpu_status odpu_image_load(const char *path, uint8_t **pixels, int *h, int *w, int *c, odpu_err *err);
void odpu_image_free(uint8_t *pixels);

/* How a model wants its input (models/NAME/model.yaml, "preprocess"; copied into the
 * compiled model's metadata): resize to out_h x out_w (bilinear, align_corners = false,
 * as torch.nn.functional.interpolate), scale pixels by `scale` (1/255), replicate a gray
 * channel to out_c channels, then (x - mean[c]) / std[c]. Output NCHW float. */
typedef struct odpu_preprocess {
    int out_h, out_w, out_c;
    int resize;           /* 0: input must already be out_h x out_w; 1: bilinear */
    float scale;
    float mean[4], std[4];
} odpu_preprocess;

odpu_status odpu_preprocess_image(const odpu_preprocess *p, const uint8_t *hwc, int h, int w, int c,
                                  float *nchw_out, odpu_err *err);

#endif
