// What the report pages' scripts find in the page: the inlined libraries and what they expose for tests.
declare const cytoscape: typeof import('cytoscape');
declare const uPlot: typeof import('uplot');

interface Window {
  /** The run report's graph, for tests and the console. */
  crucibleReport: { cy: import('cytoscape').Core; nodeCount: number; showNode(id: number): void };
  /** The benchmark report's charts and data, for tests and the console. */
  crucibleBenchReport: { charts: import('uplot')[]; data: import('../benchPageData.js').BenchPageData };
}
