# boards/drv/drv.mk - the board HAL backends, included by the Makefile: uio (generic-uio +
# u-dma-buf, boards/drv/uio.mk) and xrt (XRT's native C API, boards/drv/xrt.mk).

include boards/drv/uio.mk
include boards/drv/xrt.mk

# hal.o lists the backends: recompile it when UIO or XRT flips.
$(BUILD)/host/hal.o: $(BUILD)/boards/drv/enabled
$(BUILD)/boards/drv/enabled: FORCE
	@mkdir -p $(dir $@)
	@echo "UIO=$(UIO) XRT=$(XRT)" > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
