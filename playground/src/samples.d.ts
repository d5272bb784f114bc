/** Every samples/*.cein file, embedded by scripts/build-playground.mjs. */
declare module 'cein:samples' {
  const samples: readonly { readonly name: string; readonly text: string }[];
  export default samples;
}
