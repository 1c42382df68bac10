/**
 * onnxruntime's telemetry, off unless the user chose otherwise. Without ORT_DISABLE_TELEMETRY in
 * the environment when the native library starts, onnxruntime-node records usage under
 * ~/.cache/Microsoft/DeveloperTools and leaves an empty /tmp/mat-debug-<pid>.log per process.
 * A user who sets the variable (to 0, say) keeps their choice. Worker threads cannot change the
 * process environment, so the CLI calls this first thing on the main thread, and loadOrt calls
 * it again for library use (tests, bench scripts). A tiny module so the CLI need not load ORT.
 */
export function disableOrtTelemetry(env: NodeJS.ProcessEnv = process.env): void {
  env.ORT_DISABLE_TELEMETRY ??= '1';
}
