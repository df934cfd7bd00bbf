export default function Page() {
  return (
    <div className="page">
      <h1>Experiments</h1>
    </div>
  );
}
