/** RFC 4180 rows of fields (test/support/csv.mjs). */
export declare function parseCsv(text: string): string[][];
