/**
 * A plan compiled for one device: per step, its padding and main kernels with their pipelines
 * and parameter buffers. Running it takes each step's output buffer from a pool, submits the
 * step, and returns every intermediate and padded copy to the pool once no later step reads it,
 * so device memory follows the plan's peak. Compiling checks the device's limits first and
 * allocates nothing on refusal.
 */
/// <reference types="@webgpu/types" />
import type { Plan, PlanStep } from '../../engine/plan.js';
import { elementCount } from '../cpu/tensor.js';
import { BufferPool } from './buffer-pool.js';
import { uploadParams } from './buffers.js';
import type { Gpu } from './device.js';
import { dispatchGrid, type Grid } from './grid.js';
import { stepKernels, type KernelChoice, type PaddingChoice, type StepKernels } from './kernels.js';
import { checkTensorsFit, checkWorkgroupsFit, plannedTensors, type ExecutorLimits } from './limits.js';
import { pipelineFor } from './pipelines.js';
import { GRID_SLOTS, type KernelSource } from './wgsl/common.js';

export interface CompileOptions {
  /** Force one kernel family for every two-input step (benchmarks and tests); default: per step. */
  readonly kernel?: KernelChoice;
  /** Stage GEMM tiles through workgroup memory; default: on hardware adapters, not on CPU-backed ones. */
  readonly staged?: boolean;
  /** Where padding is read (kernels.ts): by the step's kernel where cheaper (default), always ('fused'), or from a copy a padding kernel makes first ('copied'); the last two for benchmarks and tests. */
  readonly padding?: PaddingChoice;
  /** Limits to respect instead of the device's (tests use smaller ones to exercise refusal and grid folding). */
  readonly limits?: Partial<ExecutorLimits>;
}

interface Dispatch {
  readonly label: string;
  readonly pipeline: GPUComputePipeline;
  readonly params: GPUBuffer;
  readonly grid: Grid;
  readonly inputs: 1 | 2;
}

interface CompiledStep {
  readonly step: PlanStep;
  readonly pads: readonly (Dispatch | null)[];
  readonly paddedElements: readonly number[];
  readonly main: Dispatch;
  readonly swapped: boolean;
  readonly outputElements: number;
}

export interface RunHooks {
  /** Called after each step is submitted (each step then goes in its own submission); awaiting here (e.g. queue.onSubmittedWorkDone) times steps. */
  readonly afterStep?: (index: number) => Promise<void> | void;
}

export class GpuProgram {
  private readonly pool: BufferPool;

  private constructor(
    private readonly gpu: Gpu,
    readonly plan: Plan,
    private readonly steps: readonly CompiledStep[],
  ) {
    this.pool = new BufferPool(gpu.device);
  }

  static async compile(gpu: Gpu, plan: Plan, options: CompileOptions = {}): Promise<GpuProgram> {
    const { kernels, limits } = planKernels(gpu, plan, options);
    const dispatchOf = async (kernel: KernelSource): Promise<Dispatch> => {
      const grid = dispatchGrid(kernel.workgroups, limits.maxComputeWorkgroupsPerDimension);
      const params = new Int32Array(4 * GRID_SLOTS + kernel.params.length);
      params.set([grid[0], grid[1], 0, 0]);
      params.set(kernel.params, 4 * GRID_SLOTS);
      const pipeline = await pipelineFor(gpu.device, kernel);
      return { label: kernel.label, pipeline, params: uploadParams(gpu.device, params, kernel.label), grid, inputs: kernel.inputs };
    };
    const steps = await Promise.all(
      plan.steps.map(async (step, i): Promise<CompiledStep> => {
        const k = kernels[i]!;
        return {
          step,
          pads: await Promise.all(k.pads.map((pad) => (pad ? dispatchOf(pad) : null))),
          paddedElements: k.paddedShapes.map((shape) => (shape ? elementCount(shape) : 0)),
          main: await dispatchOf(k.main),
          swapped: k.swapped,
          outputElements: elementCount(step.outputShape),
        };
      }),
    );
    return new GpuProgram(gpu, plan, steps);
  }

  /** The kernels that run each step, e.g. "pad copy,zeros + gemm 8x64/8x8 0.1.3.3" or "per-output 2+1 loops". */
  get kernelLabels(): string[] {
    return this.steps.map((s) => [...s.pads.filter((p) => p !== null).map((p) => p.label), s.main.label].join(' + '));
  }

  /** Dispatches one run issues: each step's main kernel and its padding kernels. */
  get dispatchCount(): number {
    return this.steps.reduce((count, s) => count + 1 + s.pads.filter((p) => p !== null).length, 0);
  }

  /** Runs every step on `inputs` (one buffer per operand) and returns the output buffer; the caller destroys it or gives it back with recycle(). */
  async run(inputs: readonly GPUBuffer[], hooks: RunHooks = {}): Promise<GPUBuffer> {
    const { device } = this.gpu;
    const operandCount = this.plan.shapes.length;
    const lastUse = new Map<number, number>();
    this.steps.forEach(({ step }, i) => step.inputs.forEach((id) => lastUse.set(id, i)));
    const live = new Map<number, GPUBuffer>(inputs.map((buffer, k) => [k, buffer]));

    const freeIntermediates = () => {
      for (const [id, buffer] of live) if (id >= operandCount) this.pool.give(buffer);
      live.clear();
    };
    // One command buffer for the whole plan, unless the caller waits between steps.
    const perStep = hooks.afterStep !== undefined;
    let encoder = device.createCommandEncoder({ label: 'plan' });
    let pass = encoder.beginComputePass({ label: 'plan' });
    const submit = () => {
      pass.end();
      device.queue.submit([encoder.finish()]);
      this.pool.submitted();
    };
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    try {
      for (const [i, compiled] of this.steps.entries()) {
        const { step } = compiled;
        const temporaries: GPUBuffer[] = [];
        const reads = step.inputs.map((id, input) => {
          const pad = compiled.pads[input];
          const source = live.get(id)!;
          if (!pad) return source;
          const padded = this.pool.take(compiled.paddedElements[input]!, `step ${i + 1} padded input ${input + 1}`);
          temporaries.push(padded);
          this.encode(pass, pad, [source], padded);
          return padded;
        });
        const output = this.pool.take(compiled.outputElements, `step ${i + 1} output`);
        this.encode(pass, compiled.main, compiled.swapped ? [...reads].reverse() : reads, output);

        // Reuse by later steps is safe: commands run in order, each dispatch after the previous one.
        for (const buffer of temporaries) this.pool.give(buffer);
        for (const id of step.inputs) {
          if (id >= operandCount && lastUse.get(id) === i) {
            this.pool.give(live.get(id)!);
            live.delete(id);
          }
        }
        live.set(step.output, output);
        if (perStep) {
          submit();
          await hooks.afterStep!(i);
          encoder = device.createCommandEncoder({ label: `after step ${i + 1}` });
          pass = encoder.beginComputePass({ label: `after step ${i + 1}` });
        }
      }
      submit();
    } catch (e) {
      freeIntermediates();
      throw e;
    } finally {
      const errors = [await device.popErrorScope(), await device.popErrorScope()].filter((e) => e !== null);
      if (errors.length > 0) {
        freeIntermediates();
        throw new Error(`the device rejected the run: ${errors.map((e) => e!.message).join('; ')}`);
      }
    }
    return live.get(this.steps.at(-1)!.step.output)!;
  }

  /** Hands an output of run() back for reuse by later runs. */
  recycle(output: GPUBuffer): void {
    this.pool.give(output);
  }

  /** Frees the parameter buffers and the pooled tensors. */
  destroy(): void {
    this.pool.destroy();
    for (const step of this.steps) {
      for (const dispatch of [...step.pads, step.main]) dispatch?.params.destroy();
    }
  }

  private encode(pass: GPUComputePassEncoder, dispatch: Dispatch, inputs: readonly GPUBuffer[], output: GPUBuffer): void {
    const entries: GPUBindGroupEntry[] = [
      { binding: 0, resource: { buffer: dispatch.params } },
      { binding: 1, resource: { buffer: inputs[0]! } },
      ...(dispatch.inputs === 2 ? [{ binding: 2, resource: { buffer: inputs[1]! } }] : []),
      { binding: 3, resource: { buffer: output } },
    ];
    pass.setPipeline(dispatch.pipeline);
    pass.setBindGroup(0, this.gpu.device.createBindGroup({ label: dispatch.label, layout: dispatch.pipeline.getBindGroupLayout(0), entries }));
    pass.dispatchWorkgroups(...dispatch.grid);
  }
}

/**
 * The kernels of every step, after checking that every tensor and dispatch fits the device;
 * throws GpuLimitError (naming the tensor and the limit) before anything is allocated.
 */
export function planKernels(gpu: Gpu, plan: Plan, options: CompileOptions = {}): { kernels: StepKernels[]; limits: ExecutorLimits } {
  const limits: ExecutorLimits = {
    maxBufferSize: gpu.limits.maxBufferSize,
    maxStorageBufferBindingSize: gpu.limits.maxStorageBufferBindingSize,
    maxComputeWorkgroupsPerDimension: gpu.limits.maxComputeWorkgroupsPerDimension,
    ...options.limits,
  };
  const device = {
    software: gpu.adapter.software,
    maxInvocations: gpu.limits.maxComputeInvocationsPerWorkgroup,
    maxWorkgroupSizeX: gpu.limits.maxComputeWorkgroupSizeX,
    maxWorkgroupBytes: gpu.limits.maxComputeWorkgroupStorageSize,
  };
  const kernels = plan.steps.map((step) => stepKernels(step, device, { choice: options.kernel, staged: options.staged, padding: options.padding }));
  checkTensorsFit(plannedTensors(plan, kernels.map((k) => k.paddedShapes)), limits, gpu.adapter.name);
  kernels.forEach((k, i) => [...k.pads, k.main].forEach((kernel) => kernel && checkWorkgroupsFit(kernel.workgroups, `step ${i + 1} (${kernel.label})`, limits)));
  return { kernels, limits };
}
