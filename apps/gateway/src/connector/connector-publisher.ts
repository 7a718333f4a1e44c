/**
 * Who publishes the connector, as its definition states it (info.contact and the metadata
 * certification asks for). Tripline is self-hosted: the operator of an instance is who its flow
 * makers reach, so the defaults come from the instance's public URL.
 */
export interface ConnectorPublisher {
  contact: { name: string; url: string; email: string };
  metadata: Array<{ propertyName: string; propertyValue: string }>;
}

export function connectorPublisher(publicUrl: URL): ConnectorPublisher {
  const website = publicUrl.href.replace(/\/$/, '');
  return {
    contact: { name: 'Tripline', url: website, email: `tripline@${publicUrl.hostname}` },
    metadata: [
      { propertyName: 'Website', propertyValue: website },
      { propertyName: 'Privacy policy', propertyValue: website },
      { propertyName: 'Categories', propertyValue: 'Data;IT Operations' },
    ],
  };
}
