import { ProjectsApp } from '../../projects/ProjectsApp';

export const metadata = { title: 'Projects · BNN Studio' };

export default function ProjectsRoute() {
  return <ProjectsApp />;
}
