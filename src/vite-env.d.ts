/// <reference types="vite/client" />

declare module 'virtual:shipped-results' {
  const runs: import('./core/experiment/shipped').PackedRun[];
  export default runs;
}
