import { DatasetsApp } from '../../datasets/DatasetsApp';

export const metadata = { title: 'Datasets · BNN Studio' };

export default function DatasetsRoute() {
  return <DatasetsApp />;
}
