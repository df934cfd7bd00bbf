/** Written into exported files to say which program produced them. */
export const EXPORTERS_PRODUCER = 'bnn-studio exporters 0.1.0';
