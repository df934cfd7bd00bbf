/** Memory budgets of the firmware targets. */
export interface FirmwareTarget {
  id: string;
  label: string;
  flashBytes: number;
  ramBytes: number;
  /** Stack reserved by the linker script. */
  stackBytes: number;
}

export const STM32L4R9: FirmwareTarget = {
  id: 'stm32l4r9',
  label: 'STM32L4R9 (Cortex-M4F, 120 MHz)',
  flashBytes: 2048 * 1024,
  ramBytes: 640 * 1024,
  stackBytes: 8 * 1024,
};

/**
 * Flash taken by code (runtime kernels, startup, the self-check app and the parts of newlib-nano/libm it
 * pulls in), measured with arm-none-eabi-size on generated bundles and rounded up; the model's constant
 * data comes on top.
 */
export const CODE_FLASH_ESTIMATE_BYTES = 24 * 1024;
/** RAM used outside the arena: .data/.bss of newlib-nano and the app, plus the heap floor of the linker script. */
export const RUNTIME_RAM_ESTIMATE_BYTES = 4 * 1024;
