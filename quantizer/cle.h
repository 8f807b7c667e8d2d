/* cle.h - cross-layer equalization of a canonical float graph before quantization: rescales
 * the channels shared by consecutive CONVs so both see similar weight ranges, exactly. */
#ifndef ODPU_QUANTIZER_CLE_H
#define ODPU_QUANTIZER_CLE_H

#include "common/err.h"
#include "quantizer/graph.h"

/* Nagel et al., "Data-Free Quantization Through Weight Equalization and Bias Correction"
 * (ICCV 2019), section 4.1. For a pair CONV1 -> CONV2 where channel i of CONV1's output feeds
 * only CONV2 (possibly through MAXPOOL / AVGPOOL / GLOBAL_AVGPOOL, which act per channel, or a
 * CONCAT, which only renumbers the channels CONV2 sees), with weight ranges
 * r1[i] = max |W1[i, ...]| and r2[i] = max |W2[:, i, ...]| (i as CONV2 numbers it), scale
 *     W1[i] /= s[i], b1[i] /= s[i], W2[:, i] *= s[i],   s[i] = sqrt(r1[i] / r2[i]),
 * which leaves both ranges at sqrt(r1[i] r2[i]). The float function is unchanged only when
 * every activation on the way commutes with a positive per-channel scale: none, ReLU and
 * LeakyReLU do; a clip (ReLU6) does not (its bound would have to become 6 / s[i] per channel,
 * which a per-tensor activation cannot express), so pairs through a clip are left alone.
 * Chains of pairs are swept until no scale moves by more than 1e-4 (at most 32 sweeps).
 * Sets *n_pairs (may be NULL) to the number of pairs equalized. */
odpu_status odpu_cle_apply(odpu_graph *g, int *n_pairs, odpu_err *err);

#endif
