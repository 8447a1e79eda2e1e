import { geneValue, genesOf, withGene, type Genome } from './genome.js';
import type { Rng } from './rng.js';

/** Crossover: each gene of the child comes from one of two parents, picked by a fair coin. */

export interface Recombination {
  genome: Genome;
  /** Genes that differ between the parents, by the parent the child took them from. */
  fromFirst: string[];
  fromSecond: string[];
}

export function recombine(a: Genome, b: Genome, rng: Rng): Recombination {
  let child: Genome = { ...a, model: { family: a.model.family, params: { ...a.model.params } }, fault: null };
  const genes: { name: string; takeSecond: () => void }[] = [];
  for (const gene of genesOf(a, b)) {
    const value = geneValue(b, gene);
    if (geneValue(a, gene) !== value && value !== undefined) genes.push({ name: gene, takeSecond: () => (child = withGene(child, gene, value)) });
  }
  // Hyperparameters only mean something within their family: mix them one by one when both parents
  // share the family; otherwise the model (family and its parameters) is inherited as one gene.
  if (a.model.family !== b.model.family) {
    genes.push({ name: 'model', takeSecond: () => (child = { ...child, model: b.model }) });
  } else {
    for (const [name, value] of Object.entries(b.model.params)) {
      if (a.model.params[name] !== value) genes.push({ name: `model.${name}`, takeSecond: () => (child.model.params[name] = value) });
    }
  }

  const second = genes.map(() => rng.chance(0.5));
  // A child identical to a parent teaches nothing: take at least one differing gene from each.
  if (genes.length >= 2 && second.every((s) => s === second[0])) second[rng.int(second.length)] = !second[0];

  const fromFirst: string[] = [];
  const fromSecond: string[] = [];
  genes.forEach((gene, i) => {
    if (second[i]) {
      gene.takeSecond();
      fromSecond.push(gene.name);
    } else {
      fromFirst.push(gene.name);
    }
  });
  return { genome: child, fromFirst, fromSecond };
}
