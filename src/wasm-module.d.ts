// A .wasm file imported as a module: workerd and wrangler give a compiled module.
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
