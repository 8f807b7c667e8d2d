# boards/drv/uio.mk - the build of the `uio` HAL backend (Linux generic-uio + u-dma-buf), included
# by boards/drv/drv.mk. Plain Linux C with no library of its own: on in every Linux build, the
# cross build for the board's Cortex-A53 included. UIO=0 leaves it out.

UIO ?= $(if $(filter Linux,$(shell uname -s)),1,0)
UIO_LIB_OBJS :=

ifeq ($(UIO),1)
UIO_LIB_OBJS := $(addprefix $(BUILD)/boards/drv/,sysfs.o udmabuf.o uio_dev.o hal_uio.o)
$(BUILD)/host/hal.o: CFLAGS += -DODPU_HAL_WITH_UIO
endif

$(LIB): $(UIO_LIB_OBJS)
-include $(UIO_LIB_OBJS:.o=.d)
