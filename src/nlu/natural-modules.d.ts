/**
 * Types for the natural sub-modules we import directly. The package root loads database drivers
 * and reads ./.env on import (shared/DESIGN.md), so we never import 'natural' itself.
 */
declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  const stemmer: { stem(token: string): string };
  export default stemmer;
}
declare module 'natural/lib/natural/stemmers/porter_stemmer_ru.js' {
  const stemmer: { stem(token: string): string };
  export default stemmer;
}
declare module 'natural/lib/natural/distance/jaro-winkler_distance.js' {
  function jaroWinklerDistance(
    s1: string,
    s2: string,
    options?: { dj?: number; ignoreCase?: boolean },
  ): number;
  export default jaroWinklerDistance;
}
declare module 'natural/lib/natural/classifiers/bayes_classifier.js' {
  class BayesClassifier {
    constructor(stemmer?: unknown, smoothing?: number);
    addDocument(text: string | string[], classification: string): void;
    train(): void;
    classify(observation: string | string[]): string;
    getClassifications(observation: string | string[]): { label: string; value: number }[];
  }
  export default BayesClassifier;
}
