/**
 * The sample library (MLPerf's query sample library): request payloads built before timing, so
 * no feature generation, allocation or copying happens inside the measured region. The SUT
 * looks a query's payload up by its plan index.
 */
export interface SampleLibrary<S> {
  /** payload for plan index `index` */
  get(index: number): S;
  /** bytes held, to report and to keep an eye on memory */
  readonly bytes: number;
}
