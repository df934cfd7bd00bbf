/** Confusion matrix as an accessible table, cells shaded by their share of the row. */
export function ConfusionMatrix({ matrix, labels }: { matrix: number[][]; labels: string[] }) {
  const names = labels.length === matrix.length ? labels : matrix.map((_, i) => String(i));
  return (
    <table className="confusion" data-testid="confusion-matrix">
      <caption>Confusion matrix (rows: true class, columns: predicted)</caption>
      <thead>
        <tr>
          <th scope="col">true \ pred</th>
          {names.map((n) => (
            <th key={n} scope="col" className="num">
              {n}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {matrix.map((row, i) => {
          const total = row.reduce((a, b) => a + b, 0) || 1;
          return (
            <tr key={names[i]}>
              <th scope="row">{names[i]}</th>
              {row.map((v, j) => {
                const share = v / total;
                // light tints only, so the dark text keeps its contrast
                const bg =
                  i === j
                    ? `rgba(23, 102, 58, ${0.08 + 0.32 * share})`
                    : v
                      ? `rgba(176, 0, 32, ${Math.min(0.3, 0.06 + share)})`
                      : 'transparent';
                return (
                  <td key={names[j]} className="num" style={{ background: bg }}>
                    {v}
                  </td>
                );
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
