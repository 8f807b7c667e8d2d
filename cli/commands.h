/* commands.h - the subcommands of the `opendpu` command line tool.
 * Each is implemented in cli/cmd_NAME.c and returns the process exit status. */
#ifndef ODPU_CLI_COMMANDS_H
#define ODPU_CLI_COMMANDS_H

/* opendpu archgen ARCH.yaml [--c-header OUT.h] [--verilog OUT.vh] [--print] */
int cmd_archgen(int argc, char **argv);
/* opendpu disasm FILE: listing of a model file (.odpu) or a raw stream (.bin) */
int cmd_disasm(int argc, char **argv);
/* opendpu validate MODEL --arch ARCH.yaml: run the stream validator, print the verdict */
int cmd_validate(int argc, char **argv);
/* opendpu info MODEL.odpu: header, tensors and the per-layer table of a compiled model */
int cmd_info(int argc, char **argv);
/* opendpu demo [--arch ARCH.yaml] [--backend NAME] [--seed N] [--images N] [-o OUT.odpu]: a
 * random CNN through PTQ and the compiler, the engine checked against the INT8 graph reference */
int cmd_demo(int argc, char **argv);
/* opendpu backends [--format F]: the HAL backends of this build and their capabilities */
int cmd_backends(int argc, char **argv);

/* opendpu quantize MODEL.onnx --calib DATA [options] -o OUT.onnx: INT8 PTQ to a QDQ ONNX file */
int cmd_quantize(int argc, char **argv);
/* opendpu eval MODEL --data DATA [--backend ref] [--arch A] [--calib DATA] [--limit N] [--threads N]:
 * FP32 and INT8 top-1 over a labelled set */
int cmd_eval(int argc, char **argv);
/* opendpu compare MODEL --data DATA [--backends A,B] [--limit N]: are two engines' outputs
 * equal byte for byte? Narrows the first difference down to a layer and a byte. */
int cmd_compare(int argc, char **argv);
/* opendpu profile MODEL [--backend sim]: one frame's cycles, per layer, timed as the backend's
 * capabilities say (simulated or measured) */
int cmd_profile(int argc, char **argv);
/* opendpu bench MODEL.onnx... [--arch A,B] [--format F]: the model table (shape, FP32 / INT8 /
 * accelerator top-1, bit-exactness, cycles, latency, FPS, GOPS, utilization) per model and arch */
int cmd_bench(int argc, char **argv);
/* opendpu run MODEL --input IMAGE [--backend ref]: the top-5 classes of one image */
int cmd_run(int argc, char **argv);

/* opendpu vboard --arch ARCH.yaml --root DIR: a virtual board for the uio backend (sim build) */
int cmd_vboard(int argc, char **argv);

/* opendpu compile MODEL.onnx --arch ARCH.yaml [--calib DATA] [options] -o OUT.odpu */
int cmd_compile(int argc, char **argv);

#endif
