'use client';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { ErrorNote } from '../components/ErrorNote';
import { ImportModelButton } from '../experiments/ImportModelButton';
import {
  type ArchitectureListItem,
  createProject,
  listArchitectures,
  listProjects,
  listRuns,
  type ProjectInfo,
  type RunSummary,
} from '../lib/studio-api';

/** One project's saved architectures and runs. */
function ProjectDetail({ project }: { project: ProjectInfo }) {
  const [archs, setArchs] = useState<ArchitectureListItem[] | null>(null);
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    listArchitectures(project.id).then(setArchs, setError);
    listRuns({ projectId: project.id, pageSize: 50 }).then((p) => setRuns(p.runs), setError);
  }, [project.id]);
  return (
    <div className="project-detail" data-testid={`project-${project.id}`}>
      <ErrorNote title="Project" error={error} />
      <h3>Architectures</h3>
      {archs?.length ? (
        <ul>
          {archs.map((a) => (
            <li key={a.id}>
              {a.latestVersion ? (
                <Link href={`/composer?version=${encodeURIComponent(a.latestVersion.id)}`}>{a.name}</Link>
              ) : (
                a.name
              )}{' '}
              <span className="muted">({a.versionCount ?? 0} version(s))</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No architectures yet.</p>
      )}
      <h3>Runs</h3>
      {runs?.length ? (
        <ul>
          {runs.map((r) => (
            <li key={r.id}>
              <Link href={`/experiments/run?id=${encodeURIComponent(r.id)}`}>{r.name ?? r.id}</Link>{' '}
              <span className="muted">{r.status}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No runs yet. Pick this project in the Train form to file runs here.</p>
      )}
    </div>
  );
}

/** Projects group architectures and runs: list them, create one, see what each holds. */
export function ProjectsApp() {
  const [projects, setProjects] = useState<ProjectInfo[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  useEffect(() => {
    listProjects().then(setProjects, setError);
  }, []);
  const create = async () => {
    setError(null);
    try {
      const p = await createProject(name.trim(), description.trim() || undefined);
      // A new project holds nothing yet.
      setProjects((ps) => [{ ...p, runCount: 0, architectureCount: 0 }, ...(ps ?? [])]);
      setName('');
      setDescription('');
      setOpen(p.id);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div className="page projects">
      <h1>Projects</h1>
      <p className="help">
        A project groups the architectures and runs of one task. Trained a BNN with Larq?{' '}
        <ImportModelButton />
      </p>
      <ErrorNote title="Projects" error={error} />
      <form
        className="project-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) void create();
        }}
      >
        <label htmlFor="project-name">New project name</label>
        <input id="project-name" value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="project-description">Description (optional)</label>
        <input
          id="project-description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
        <p>
          <button type="submit" className="primary" disabled={!name.trim()}>
            Create project
          </button>
        </p>
      </form>
      {projects && projects.length === 0 ? <p className="muted">No projects yet.</p> : null}
      <ul className="cards" data-testid="project-list">
        {(projects ?? []).map((p) => (
          <li key={p.id} className="card">
            <h2>{p.name}</h2>
            {p.description ? <p>{p.description}</p> : null}
            <p className="help">
              {p.architectureCount} architecture(s) · {p.runCount} run(s)
            </p>
            <button
              type="button"
              onClick={() => setOpen(open === p.id ? null : p.id)}
              aria-expanded={open === p.id}
            >
              {open === p.id ? 'Hide' : 'Show'} contents
            </button>
            {open === p.id ? <ProjectDetail project={p} /> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
