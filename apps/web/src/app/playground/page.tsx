export default function Page() {
  return (
    <div className="page">
      <h1>Playground</h1>
    </div>
  );
}
