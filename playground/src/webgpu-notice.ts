/** Whether this browser offers a WebGPU adapter, said up front (the runtime picks the CPU reference without one). */
export async function describeWebGpu(): Promise<string> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return 'Ready. This browser has no WebGPU (navigator.gpu is missing).';
  const adapter = await gpu.requestAdapter().catch(() => null);
  return adapter ? 'Ready. This browser offers a WebGPU adapter.' : 'Ready. This browser has WebGPU but no adapter.';
}
