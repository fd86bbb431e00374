import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from '../../src/staff/csv.js';

describe('csvCell', () => {
  it.each([
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+1+2', `"'+1+2"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\t=1', `"'\t=1"`],
    ['\r\n=1', `"'\r\n'=1"`],
    // Issue 15 item 11: the Estonian list separator, spaces, line breaks, full width, quotes.
    ['tere;=cmd|"/c calc"!A0', `"tere;'=cmd|""/c calc""!A0"`],
    ['tere; =1+1', `"tere;' =1+1"`],
    [' =1+1', `"' =1+1"`],
    ['rida\n=1+1', `"rida\n'=1+1"`],
    ['rida\r\n  @x', `"rida\r\n'  @x"`],
    ['＝1+1', `"'＝1+1"`],
    ['＋1', `"'＋1"`],
    ['＠x', `"'＠x"`],
    ['"=1+1"', `"'""=1+1"""`],
    ["'=1+1", `"''=1+1"`],
    ['“=1+1”', `"'“=1+1”"`],
  ])('neutralises %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it.each(['tere, kuidas läheb?', 'a = b', 'hind 5 - 3 eurot', 'x@example.ee', '2024-05-12'])(
    'keeps ordinary text %j as it is',
    (input) => {
      expect(csvCell(input)).toBe(`"${input}"`);
    },
  );

  it('quotes every cell and writes lists, numbers, booleans and nulls', () => {
    expect(csvLine(['a,b', 3, true, null, ['marriage', 'divorce']])).toBe(
      '"a,b","3","true","","marriage divorce"\r\n',
    );
  });
});
