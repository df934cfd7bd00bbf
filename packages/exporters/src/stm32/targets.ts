/**
 * Memory budgets of the firmware targets. Code size and runtime RAM are not constants: they are fitted to device
 * builds (latency/cost-table.ts `firmware`, used by latency/memory.ts `estimateFirmwareMemory`).
 */
export interface FirmwareTarget {
  id: string;
  label: string;
  flashBytes: number;
  ramBytes: number;
  /** Stack reserved by the linker script (`BNN_STACK_BYTES` of runtime/targets/cortex-m4/stm32l4r9.ld). */
  stackBytes: number;
}

export const STM32L4R9: FirmwareTarget = {
  id: 'stm32l4r9',
  label: 'STM32L4R9 (Cortex-M4F, 120 MHz)',
  flashBytes: 2048 * 1024,
  ramBytes: 640 * 1024,
  stackBytes: 8 * 1024,
};
